package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * What the host side of every loss shares: the native arrays, task graph and execution plan of one
 * kernel shape, built once and executed again with new inputs.
 *
 * <p>A shape is (row capacity, V, K). The capacity is the batch's row count rounded up to
 * 2^e x {1, 1.25, 1.5, 1.75}, so that batches whose row counts differ a little (completion lengths
 * vary every training step) reuse one compiled plan; each call launches only its own rows' work-groups.
 * Scalars that change between calls (1/T, clips, scales, sizes) travel in the small parameter
 * arrays {@code ip}/{@code fp}, since TornadoVM folds a task's scalar arguments into the kernel.
 */
abstract class TornadoKernel implements AutoCloseable {
  static final String TASK = "t";
  static final String COMPILER_FLAGS = "-cl-mad-enable -cl-unsafe-math-optimizations -w";

  final TornadoBackend backend;
  private final LossKernel kind;
  private final String name;
  private String shape;
  private TornadoExecutionPlan plan;
  private WorkerGrid1D grid;
  final KernelContext context = new KernelContext();
  /** Per-row losses, summed on the host in double. */
  FloatArray rowLoss;

  TornadoKernel(TornadoBackend backend, LossKernel kind) {
    this.backend = backend;
    this.kind = kind;
    this.name = kind.id();
  }

  /**
   * Makes the plan for this batch's shape (building arrays, graph and plan when the shape is new)
   * and sets the launch to the batch's rows.
   */
  final void prepare(LossBatch b, int contexts) {
    int capacity = capacity(b.rows());
    String s = capacity + "x" + b.vocab() + "x" + contexts;
    if (!s.equals(shape)) {
      close();
      rowLoss = floats(capacity, "row losses");
      String graph = name + "_" + s;
      TaskGraph g = build(graph, capacity, b.vocab(), Math.max(1, contexts));
      grid = new WorkerGrid1D(Math.multiplyExact(capacity, backend.workGroup));
      grid.setLocalWork(backend.workGroup, 1, 1);
      plan = new TornadoExecutionPlan(g.snapshot());
      // TornadoVM's default flags include -cl-fast-relaxed-math, which lets a compiler assume that
      // no value is infinite, and padding is -inf; the unsafe-math part alone keeps the speed (on
      // PoCL strict IEEE flags made token_logprobs 2.6x slower) without that assumption
      plan.withDevice(backend.device).withGridScheduler(new GridScheduler(graph + "." + TASK, grid))
          .withCompilerFlags(TornadoVMBackendType.OPENCL, COMPILER_FLAGS);
      if (backend.profile) {
        plan.withProfiler(ProfilerMode.SILENT);
      }
      if (backend.printKernel) {
        plan.withPrintKernel();
      }
      shape = s;
    }
    grid.setGlobalWork((long) b.rows() * backend.workGroup, 1, 1);
  }

  /**
   * The task graph of one shape: inputs to the device, the kernel as task {@link #TASK}, outputs
   * to the host, every execution.
   *
   * @param rows the row capacity every per-row array holds
   * @param contexts K, at least 1 (teacher arrays of a call without teachers are never read)
   */
  abstract TaskGraph build(String graph, int rows, int vocab, int contexts);

  /** Runs the plan; the device's buffers of the previous kernel are released first. */
  final void execute() {
    backend.makeResident(this);
    TornadoExecutionResult result = plan.execute();
    if (backend.profile) {
      backend.recordProfile(kind, result.getProfilerResult());
    }
  }

  /** Releases this kernel's device buffers; the compiled kernel stays for the next call. */
  final void releaseDeviceMemory() {
    if (plan != null) {
      plan.freeDeviceMemory();
    }
  }

  final double rowLossSum(int rows) {
    double total = 0;
    for (int n = 0; n < rows; n++) {
      total += rowLoss.get(n);
    }
    return total;
  }

  static int capacity(int rows) {
    int r = Math.max(1, rows);
    int high = Integer.highestOneBit(r);
    int step = Math.max(1, high / 4);
    return (int) Math.min(Integer.MAX_VALUE, ((long) r + step - 1) / step * step);
  }

  static FloatArray floats(long n, String what) {
    return new FloatArray(TornadoBackend.elements(Math.max(1, n), what));
  }

  static IntArray ints(long n, String what) {
    return new IntArray(TornadoBackend.elements(Math.max(1, n), what));
  }

  /** Copies host floats into a native array's data. */
  static void copyIn(float[] src, FloatArray dst) {
    MemorySegment.copy(src, 0, dst.getSegment(), ValueLayout.JAVA_FLOAT, 0, src.length);
  }

  static void copyIn(int[] src, IntArray dst) {
    MemorySegment.copy(src, 0, dst.getSegment(), ValueLayout.JAVA_INT, 0, src.length);
  }

  /** The K teacher arrays, one after the other. */
  static void copyTeachers(LossBatch b, FloatArray dst) {
    long cells = (long) b.rows() * b.vocab();
    for (int k = 0; k < b.contexts(); k++) {
      MemorySegment.copy(b.teacherLogits()[k], 0, dst.getSegment(), ValueLayout.JAVA_FLOAT, k * cells * Float.BYTES,
          (int) cells);
    }
  }

  /** Copies the first {@code count} floats of a native array to the host. */
  static void copyOut(FloatArray src, float[] dst, int count) {
    MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_FLOAT, 0, dst, 0, count);
  }

  static void set(IntArray a, int... values) {
    for (int i = 0; i < values.length; i++) {
      a.set(i, values[i]);
    }
  }

  static void set(FloatArray a, float... values) {
    for (int i = 0; i < values.length; i++) {
      a.set(i, values[i]);
    }
  }

  @Override
  public void close() {
    if (plan != null) {
      try {
        plan.close();
      } catch (TornadoExecutionPlanException e) {
        throw new IllegalStateException("releasing the TornadoVM execution plan of " + name + " failed", e);
      } finally {
        plan = null;
        shape = null;
      }
    }
  }
}
