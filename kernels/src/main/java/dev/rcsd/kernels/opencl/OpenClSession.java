package dev.rcsd.kernels.opencl;

import java.util.HashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * One backend's use of a device: a command queue, the kernels, and device buffers that are made
 * once per role and reused while they are big enough. Not thread-safe, like the backend.
 *
 * <pre>
 *   host arrays --write--> buffers --row kernel (rows groups of WG)--> buffers --read--> host
 *                                   \--sum_rows (1 group)--> loss of the slice
 * </pre>
 */
final class OpenClSession implements AutoCloseable {
  private record Buffer(cl_mem mem, long capacity) {}

  final OpenClProgram program;
  final int wg;
  private final cl_command_queue queue;
  private final Map<String, cl_kernel> kernels = new HashMap<>();
  private final Map<String, Buffer> buffers = new HashMap<>();

  @SuppressWarnings("deprecation")
  OpenClSession(OpenClProgram program) {
    this.program = program;
    this.wg = program.workGroup;
    this.queue = CL.clCreateCommandQueue(program.context, program.device.id(), 0, null);
  }

  cl_kernel kernel(String name) {
    return kernels.computeIfAbsent(name, n -> CL.clCreateKernel(program.program, n, null));
  }

  /** The buffer of a role with room for {@code bytes}, reallocated only when it must grow. */
  cl_mem buffer(String role, long bytes) {
    long need = Math.max(bytes, 4);
    Buffer b = buffers.get(role);
    if (b == null || b.capacity() < need) {
      if (b != null) {
        CL.clReleaseMemObject(b.mem());
      }
      b = new Buffer(CL.clCreateBuffer(program.context, CL.CL_MEM_READ_WRITE, need, null, null), need);
      buffers.put(role, b);
    }
    return b.mem();
  }

  /** Copies {@code count} floats from {@code src[from..]} to the buffer at float offset {@code at}. */
  void write(cl_mem dst, long at, float[] src, long from, long count) {
    if (count > 0) {
      CL.clEnqueueWriteBuffer(queue, dst, CL.CL_TRUE, at * Sizeof.cl_float, count * Sizeof.cl_float,
          Pointer.to(src).withByteOffset(from * Sizeof.cl_float), 0, null, null);
    }
  }

  void write(cl_mem dst, int[] src, long from, long count) {
    if (count > 0) {
      CL.clEnqueueWriteBuffer(queue, dst, CL.CL_TRUE, 0, count * Sizeof.cl_int,
          Pointer.to(src).withByteOffset(from * Sizeof.cl_int), 0, null, null);
    }
  }

  /** Copies {@code count} floats from the buffer's float offset {@code at} into {@code dst[to..]}. */
  void read(cl_mem src, long at, float[] dst, long to, long count) {
    if (count > 0) {
      CL.clEnqueueReadBuffer(queue, src, CL.CL_TRUE, at * Sizeof.cl_float, count * Sizeof.cl_float,
          Pointer.to(dst).withByteOffset(to * Sizeof.cl_float), 0, null, null);
    }
  }

  /** Sets the arguments in order: cl_mem, Integer or Float. */
  void args(cl_kernel k, Object... args) {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof cl_mem m) {
        CL.clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(m));
      } else if (a instanceof Integer v) {
        CL.clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
      } else if (a instanceof Float v) {
        CL.clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
      } else {
        throw new IllegalArgumentException("argument " + i + " of unsupported type " + a);
      }
    }
  }

  /** Runs a row kernel: one work-group per row. */
  void runRows(cl_kernel k, int rows) {
    CL.clEnqueueNDRangeKernel(queue, k, 1, null, new long[] {(long) rows * wg}, new long[] {wg}, 0, null, null);
  }

  /** Sum of {@code n} per-row values on the device (the cross-work-group step), read back. */
  double sumRows(cl_mem values, int n) {
    cl_kernel k = kernel("sum_rows");
    cl_mem out = buffer("sum", Sizeof.cl_float);
    args(k, values, n, out);
    CL.clEnqueueNDRangeKernel(queue, k, 1, null, new long[] {wg}, new long[] {wg}, 0, null, null);
    float[] total = new float[1];
    read(out, 0, total, 0, 1);
    return total[0];
  }

  /**
   * Rows per launch such that no buffer exceeds the device's largest allocation and all of them
   * fit in a part of its memory.
   *
   * @param rowArrays how many [rows, V] float arrays a launch keeps on the device
   * @param widest the most [rows, V] arrays one buffer holds (K for the teachers)
   */
  int rowsPerSlice(int rows, int vocab, int rowArrays, int widest) {
    long rowBytes = (long) vocab * Sizeof.cl_float;
    long byAlloc = program.device.maxAlloc() / (rowBytes * Math.max(1, widest));
    long byMemory = (long) (program.device.globalMemory() * 0.6) / (rowBytes * Math.max(1, rowArrays));
    long n = Math.min(rows, Math.min(byAlloc, byMemory));
    if (n < 1) {
      throw new IllegalStateException("a single row of " + vocab + " logits does not fit on " + program.device);
    }
    return (int) n;
  }

  @Override
  public void close() {
    buffers.values().forEach(b -> CL.clReleaseMemObject(b.mem()));
    buffers.clear();
    kernels.values().forEach(CL::clReleaseKernel);
    kernels.clear();
    CL.clReleaseCommandQueue(queue);
  }
}
