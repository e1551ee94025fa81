package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.RubricAdvantage;
import dev.rcsd.kernels.TokenLogProbs;
import dev.rcsd.kernels.TopKDistillation;
import dev.rcsd.kernels.simd.SimdBackend;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import uk.ac.manchester.tornado.api.TornadoProfilerResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * The loss kernels written in Java with TornadoVM's KernelContext API and compiled by TornadoVM
 * for the device it numbers {@code tornado.device = backend:device} (default 0:0).
 *
 * <p>Settings (tornado-config/tornado.properties): {@code tornado.workgroup} or
 * {@code tornado.workgroup.<part of the device name>} / {@code .default} (a power of two up to
 * 1024), {@code tornado.profile=true} to keep TornadoVM's profile of each call
 * ({@link #lastProfile}), {@code tornado.print_kernel=true} to print the OpenCL C that TornadoVM
 * generates for each kernel when it compiles it.
 *
 * <p>Each kernel keeps one execution plan for the last shape it saw; only the kernel that ran last
 * keeps its device buffers, so that the five plans of a large shape do not hold five copies.
 */
public final class TornadoBackend implements KernelBackend {
  public static final String NAME = "tornado";
  static final int DEFAULT_WORK_GROUP = 256;

  final TornadoDevice device;
  final int workGroup;
  final boolean profile;
  final boolean printKernel;
  private final int hostThreads;
  private SimdBackend host;
  private TornadoKernel resident;
  private final Map<LossKernel, Profile> profiles = new EnumMap<>(LossKernel.class);
  private final Map<LossKernel, Long> compileTimes = new EnumMap<>(LossKernel.class);
  private final TokenLogProbsTornado tokenLogProbs = new TokenLogProbsTornado(this);
  private final GeneralizedJsdTornado generalizedJsd = new GeneralizedJsdTornado(this);
  private final TopKDistillationTornado topKDistillation = new TopKDistillationTornado(this);
  private final RubricAdvantageTornado rubricAdvantage = new RubricAdvantageTornado(this);
  private final GrpoLossTornado grpoLoss = new GrpoLossTornado(this);

  private TornadoBackend(TornadoDevice device, int workGroup, BackendOptions options) {
    this.device = device;
    this.workGroup = workGroup;
    this.profile = Boolean.parseBoolean(options.property("tornado.profile", "false").trim());
    this.printKernel = Boolean.parseBoolean(options.property("tornado.print_kernel", "false").trim());
    this.hostThreads = options.effectiveThreads();
  }

  public static TornadoBackend open(BackendOptions options) {
    TornadoDevice device = device(options);
    String name = device.getPhysicalDevice().getDeviceName();
    int wg = options.workGroup("tornado", name, DEFAULT_WORK_GROUP);
    if (wg > RowReductions.MAX_WORKGROUP) {
      throw new IllegalArgumentException("tornado work-group size " + wg + " is over the kernels' local arrays ("
          + RowReductions.MAX_WORKGROUP + ")");
    }
    long deviceMax = device.getPhysicalDevice().getDeviceMaxWorkGroupSize()[0];
    while (wg > 1 && wg > deviceMax) {
      wg /= 2;
    }
    return new TornadoBackend(device, wg, options);
  }

  static TornadoDevice device(BackendOptions options) {
    String spec = options.property("tornado.device", "0:0").trim();
    String[] parts = spec.split(":");
    int backend;
    int index;
    try {
      backend = Integer.parseInt(parts[0].trim());
      index = Integer.parseInt(parts.length == 2 ? parts[1].trim() : "x");
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("tornado.device = '" + spec + "' is not BACKEND:DEVICE, e.g. 0:0");
    }
    var runtime = TornadoRuntimeProvider.getTornadoRuntime();
    if (backend < 0 || backend >= runtime.getNumBackends()) {
      throw new IllegalStateException("tornado.device = '" + spec + "': TornadoVM has " + runtime.getNumBackends()
          + " backend(s)");
    }
    var b = runtime.getBackend(backend);
    if (index < 0 || index >= b.getNumDevices()) {
      throw new IllegalStateException("tornado.device = '" + spec + "': TornadoVM backend " + backend + " has "
          + b.getNumDevices() + " device(s)");
    }
    return b.getDevice(index);
  }

  static String describe(BackendOptions options) {
    return "TornadoVM " + device(options).getPhysicalDevice().getDeviceName();
  }

  /** Arrays beyond one TornadoVM native array (int-indexed) are refused with the numbers. */
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

  /** Releases the device buffers of the kernel that ran before {@code next}. */
  void makeResident(TornadoKernel next) {
    if (resident != null && resident != next) {
      resident.releaseDeviceMemory();
    }
    resident = next;
  }

  void recordProfile(LossKernel kernel, TornadoProfilerResult p) {
    Profile last = new Profile(p.getDeviceKernelTime(), p.getDeviceWriteTime(), p.getDeviceReadTime(),
        p.getCompileTime(), p.getTotalTime());
    profiles.put(kernel, last);
    if (last.compile() > 0) {
      compileTimes.put(kernel, last.compile());
    }
  }

  @Override
  public Optional<String> lastProfile(LossKernel kernel) {
    Profile p = profiles.get(kernel);
    if (p == null) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT,
        "TornadoVM profile: kernel %.2f ms, copy-in %.2f ms, copy-out %.2f ms, whole plan %.2f ms; compiled once in %.0f ms",
        p.kernel() / 1e6, p.copyIn() / 1e6, p.copyOut() / 1e6, p.total() / 1e6,
        compileTimes.getOrDefault(kernel, 0L) / 1e6));
  }

  /**
   * One call as TornadoVM's profiler measured it, in nanoseconds.
   *
   * @param kernel time the kernel ran on the device
   * @param copyIn host-to-device transfers
   * @param copyOut device-to-host transfers
   * @param compile TornadoVM's and the driver's compile time (non-zero on the call that compiled)
   * @param total the whole execution of the plan
   */
  record Profile(long kernel, long copyIn, long copyOut, long compile, long total) {}

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
