package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.RubricAdvantage;
import dev.rcsd.kernels.TokenLogProbs;
import dev.rcsd.kernels.TopKDistillation;
import dev.rcsd.kernels.opencl.KernelSources;
import dev.rcsd.kernels.simd.SimdBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * The library's OpenCL C kernels run by TornadoVM as prebuilt tasks (tornado_entry.cl), on the
 * device TornadoVM numbers {@code tornado.device = backend:device} (default 0:0). The kernel file
 * is written once per backend with the work-group size ({@code tornado.workgroup}, default 256)
 * and TornadoVM's array header size compiled in. Each kernel keeps one execution plan for the
 * last batch shape it saw.
 */
public final class TornadoBackend implements KernelBackend {
  public static final String NAME = "tornado";

  final TornadoDevice device;
  final int workGroup;
  final String kernelFile;
  private final int hostThreads;
  private SimdBackend host;
  private final TokenLogProbsTornado tokenLogProbs = new TokenLogProbsTornado(this);
  private final GeneralizedJsdTornado generalizedJsd = new GeneralizedJsdTornado(this);
  private final TopKDistillationTornado topKDistillation = new TopKDistillationTornado(this);
  private final RubricAdvantageTornado rubricAdvantage = new RubricAdvantageTornado(this);
  private final GrpoLossTornado grpoLoss = new GrpoLossTornado(this);

  private TornadoBackend(TornadoDevice device, int workGroup, String kernelFile, int hostThreads) {
    this.device = device;
    this.workGroup = workGroup;
    this.kernelFile = kernelFile;
    this.hostThreads = hostThreads;
  }

  static TornadoBackend open(BackendOptions options) {
    int wg = Integer.parseInt(options.property("tornado.workgroup", "256").trim());
    if (wg < 1 || Integer.bitCount(wg) != 1) {
      throw new IllegalArgumentException("tornado.workgroup = " + wg + " must be a power of two");
    }
    try {
      Path file = Files.createTempFile("rcsd-kernels-", ".cl");
      file.toFile().deleteOnExit();
      Files.writeString(file, KernelSources.withTornadoEntries(wg, TornadoNativeArray.ARRAY_HEADER));
      return new TornadoBackend(device(options), wg, file.toString(), options.effectiveThreads());
    } catch (IOException e) {
      throw new UncheckedIOException("writing the TornadoVM kernel file: " + e.getMessage(), e);
    }
  }

  static TornadoDevice device(BackendOptions options) {
    String spec = options.property("tornado.device", "0:0").trim();
    String[] parts = spec.split(":");
    if (parts.length != 2) {
      throw new IllegalArgumentException("tornado.device = '" + spec + "' is not BACKEND:DEVICE, e.g. 0:0");
    }
    return TornadoRuntimeProvider.getTornadoRuntime().getBackend(Integer.parseInt(parts[0]))
        .getDevice(Integer.parseInt(parts[1]));
  }

  static String describe(BackendOptions options) {
    return "TornadoVM " + device(options).getPhysicalDevice().getDeviceName();
  }

  /** Arrays beyond one TornadoVM native array (2^31 elements) are refused with the numbers. */
  static int elements(long n, String what) {
    if (n > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException(what + " holds " + n + " floats, over what one TornadoVM array holds");
    }
    return (int) n;
  }

  TopKDistillation hostTopK() {
    if (host == null) {
      host = new SimdBackend(hostThreads);
    }
    return host.topKDistillation();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String device() {
    return "TornadoVM " + device.getPhysicalDevice().getDeviceName() + ", work-group " + workGroup;
  }

  @Override
  public TokenLogProbs tokenLogProbs() {
    return tokenLogProbs;
  }

  @Override
  public GeneralizedJsd generalizedJsd() {
    return generalizedJsd;
  }

  @Override
  public TopKDistillation topKDistillation() {
    return topKDistillation;
  }

  @Override
  public RubricAdvantage rubricAdvantage() {
    return rubricAdvantage;
  }

  @Override
  public GrpoLoss grpoLoss() {
    return grpoLoss;
  }

  @Override
  public void close() {
    tokenLogProbs.close();
    generalizedJsd.close();
    topKDistillation.close();
    rubricAdvantage.close();
    grpoLoss.close();
    if (host != null) {
      host.close();
    }
  }
}
