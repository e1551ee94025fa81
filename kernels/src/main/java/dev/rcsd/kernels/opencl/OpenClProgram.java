package dev.rcsd.kernels.opencl;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * The kernel library built for one device and work-group size: a context and a program made from
 * {@link KernelSources}. Built once per device and cached for the life of the
 * process, so opening a backend twice does not compile twice.
 */
final class OpenClProgram {
  private static final Map<String, OpenClProgram> CACHE = new ConcurrentHashMap<>();

  final OpenClDevice device;
  final int workGroup;
  final cl_context context;
  final cl_program program;

  private OpenClProgram(OpenClDevice device, int workGroup) {
    this(device, workGroup, KernelSources.library(), "-D WG=" + workGroup);
  }

  /** A program from any source, e.g. with the TornadoVM entries, for tests. */
  OpenClProgram(OpenClDevice device, int workGroup, String source, String options) {
    this.device = device;
    this.workGroup = workGroup;
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL.CL_CONTEXT_PLATFORM, device.platformId());
    context = CL.clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, null);
    program = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
    try {
      CL.clBuildProgram(program, 0, null, "-cl-std=CL1.2 " + options, null, null);
    } catch (CLException e) {
      throw new IllegalStateException("OpenCL build failed on " + device + ":\n" + buildLog(), e);
    }
  }

  static OpenClProgram of(OpenClDevice device, int workGroup) {
    String key = device.platformIndex() + "/" + device.deviceIndex() + "/" + workGroup;
    return CACHE.computeIfAbsent(key, k -> new OpenClProgram(device, workGroup));
  }

  private String buildLog() {
    long[] size = new long[1];
    CL.clGetProgramBuildInfo(program, device.id(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
    byte[] log = new byte[(int) size[0]];
    CL.clGetProgramBuildInfo(program, device.id(), CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
    return new String(log, StandardCharsets.UTF_8).trim();
  }
}
