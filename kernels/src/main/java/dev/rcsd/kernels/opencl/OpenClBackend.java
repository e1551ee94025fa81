package dev.rcsd.kernels.opencl;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendProvider;
import dev.rcsd.kernels.RubricAdvantage;
import dev.rcsd.kernels.TokenLogProbs;
import dev.rcsd.kernels.TopKDistillation;
import dev.rcsd.kernels.simd.SimdBackend;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;

/**
 * The kernels as hand-written OpenCL C 1.2 (resources dev/rcsd/kernels/opencl/*.cl) through JOCL:
 * PoCL on a CPU, or any GPU with an OpenCL driver. Each call copies its rows to the device, runs
 * one work-group per row and copies the outputs back; batches larger than the device's largest
 * allocation go in slices of rows.
 *
 * <p>Options (from tornado-config/opencl.properties or {@code --backend-property}):
 * {@code opencl.platform} and {@code opencl.device} (an index or part of the name; default: the
 * first GPU, else the first device), {@code opencl.workgroup} (a power of two), and
 * {@code opencl.workgroup.<part of a device name>} / {@code opencl.workgroup.default} per device.
 */
public final class OpenClBackend implements KernelBackend {
  public static final String NAME = "opencl";
  static final int DEFAULT_WORK_GROUP = 256;

  private final OpenClSession session;
  private final TokenLogProbsOpenCl tokenLogProbs;
  private final GeneralizedJsd generalizedJsd;
  private final TopKDistillation topKDistillation;
  private final RubricAdvantage rubricAdvantage;
  private final GrpoLoss grpoLoss;
  private final int hostThreads;
  private SimdBackend host;

  private OpenClBackend(OpenClProgram program, int hostThreads) {
    this.session = new OpenClSession(program);
    this.hostThreads = hostThreads;
    tokenLogProbs = new TokenLogProbsOpenCl(session);
    generalizedJsd = new GeneralizedJsdOpenCl(session, tokenLogProbs);
    topKDistillation = new TopKDistillationOpenCl(session, tokenLogProbs, () -> host().topKDistillation());
    rubricAdvantage = new RubricAdvantageOpenCl(session);
    grpoLoss = new GrpoLossOpenCl(session);
  }

  public static OpenClBackend open(BackendOptions options) {
    OpenClDevice device = OpenClDevice.select(OpenClDevice.list(), options.property("opencl.platform", ""),
        options.property("opencl.device", ""));
    int wg = workGroup(options, device);
    OpenClProgram program = OpenClProgram.of(device, wg);
    int limit = kernelLimit(program);
    if (limit < wg) {
      program = OpenClProgram.of(device, floorPowerOfTwo(limit));
    }
    return new OpenClBackend(program, options.effectiveThreads());
  }

  /** The configured work-group size for this device, within what the device allows. */
  static int workGroup(BackendOptions options, OpenClDevice device) {
    int wg = options.workGroup("opencl", device.name(), DEFAULT_WORK_GROUP);
    return (int) Math.min(wg, floorPowerOfTwo((int) Math.min(Integer.MAX_VALUE, device.maxWorkGroup())));
  }

  /** The smallest CL_KERNEL_WORK_GROUP_SIZE over the program's kernels (private arrays can lower it). */
  private static int kernelLimit(OpenClProgram program) {
    long limit = Long.MAX_VALUE;
    for (String name : List.of("token_logprobs", "generalized_jsd", "topk_distillation", "rubric_advantage",
        "grpo_loss", "sum_rows")) {
      org.jocl.cl_kernel k = CL.clCreateKernel(program.program, name, null);
      long[] size = new long[1];
      CL.clGetKernelWorkGroupInfo(k, program.device.id(), CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
          Pointer.to(size), null);
      CL.clReleaseKernel(k);
      limit = Math.min(limit, size[0]);
    }
    return (int) Math.min(limit, Integer.MAX_VALUE);
  }

  private static int floorPowerOfTwo(int n) {
    return Integer.highestOneBit(Math.max(1, n));
  }

  private SimdBackend host() {
    if (host == null) {
      host = new SimdBackend(hostThreads);
    }
    return host;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String device() {
    return session.program.device + ", work-group " + session.wg;
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
    session.close();
    if (host != null) {
      host.close();
    }
  }

  /** Available when an OpenCL runtime (ICD loader) and at least one device are present. */
  public static final class Provider implements KernelBackendProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Availability probe() {
      try {
        List<OpenClDevice> devices = OpenClDevice.list();
        if (devices.isEmpty()) {
          return Availability.missing("no OpenCL platform with a device (on a CPU: apt-get install pocl-opencl-icd)");
        }
        return Availability.of(OpenClDevice.select(devices, "", "").toString());
      } catch (LinkageError | RuntimeException e) {
        return Availability.missing("no OpenCL runtime (libOpenCL.so; apt-get install ocl-icd-libopencl1): "
            + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }

    @Override
    public KernelBackend open(BackendOptions options) {
      return OpenClBackend.open(options);
    }
  }
}
