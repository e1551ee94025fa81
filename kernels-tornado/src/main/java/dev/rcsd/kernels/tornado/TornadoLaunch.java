package dev.rcsd.kernels.tornado;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.AccessorParameters;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.Access;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * One row kernel of tornado_entry.cl as a TornadoVM prebuilt task for one batch shape, followed by
 * the cross-work-group sum of its per-row losses as a second task:
 *
 * <pre>
 *   host arrays -copy-> native arrays --every execution--> t0: tornado_&lt;loss&gt; (rows x WG, WG)
 *                                                        t1: tornado_sum_rows (WG, WG) --> host
 * </pre>
 *
 * Built once per shape and executed again with new inputs; arguments are given in the entry's
 * order with their access modes.
 */
final class TornadoLaunch implements AutoCloseable {
  private final List<Object> inputs = new ArrayList<>();
  private final List<Object> outputs = new ArrayList<>();
  private final AccessorParameters rowArgs;
  private final TornadoExecutionPlan plan;

  /**
   * @param args the entry's array arguments in order, each with its access mode
   * @param rowLoss the per-row losses t1 sums into {@code total}, or null for no sum
   */
  TornadoLaunch(String name, String entry, String kernelFile, TornadoDevice device, int workGroup, int rows,
      List<Arg> args, FloatArray rowLoss, FloatArray total, IntArray count) {
    rowArgs = new AccessorParameters(args.size());
    for (int i = 0; i < args.size(); i++) {
      Arg a = args.get(i);
      rowArgs.set(i, a.array(), a.access());
      if (a.access() != Access.WRITE_ONLY) {
        inputs.add(a.array());
      }
      if (a.access() != Access.READ_ONLY) {
        outputs.add(a.array());
      }
    }
    TaskGraph graph = new TaskGraph(name)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, inputs.toArray())
        .prebuiltTask("t0", entry, kernelFile, rowArgs);
    WorkerGrid1D rowGrid = new WorkerGrid1D((long) rows * workGroup);
    rowGrid.setLocalWork(workGroup, 1, 1);
    GridScheduler grids = new GridScheduler(name + ".t0", rowGrid);
    if (rowLoss != null) {
      AccessorParameters sumArgs = new AccessorParameters(3);
      sumArgs.set(0, rowLoss, Access.READ_ONLY);
      sumArgs.set(1, count, Access.READ_ONLY);
      sumArgs.set(2, total, Access.WRITE_ONLY);
      graph = graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, count)
          .prebuiltTask("t1", "tornado_sum_rows", kernelFile, sumArgs);
      WorkerGrid1D one = new WorkerGrid1D(workGroup);
      one.setLocalWork(workGroup, 1, 1);
      grids.setWorkerGrid(name + ".t1", one);
      outputs.add(total);
    }
    graph = graph.transferToHost(DataTransferMode.EVERY_EXECUTION, outputs.toArray());
    plan = new TornadoExecutionPlan(graph.snapshot());
    plan.withDevice(device).withGridScheduler(grids);
  }

  /** An argument of the entry and how the kernel uses it. */
  record Arg(Object array, Access access) {}

  void execute() {
    plan.execute();
  }

  /** Copies host floats into a native array's data (after its header). */
  static void copyIn(float[] src, int from, FloatArray dst, long at, int count) {
    MemorySegment.copy(src, from, dst.getSegmentWithHeader(), ValueLayout.JAVA_FLOAT,
        TornadoNativeArray.ARRAY_HEADER + at * Float.BYTES, count);
  }

  /** Copies a native array's data into host floats. */
  static void copyOut(FloatArray src, long at, float[] dst, int to, int count) {
    MemorySegment.copy(src.getSegmentWithHeader(), ValueLayout.JAVA_FLOAT,
        TornadoNativeArray.ARRAY_HEADER + at * Float.BYTES, dst, to, count);
  }

  @Override
  public void close() {
    try {
      plan.close();
    } catch (TornadoExecutionPlanException e) {
      throw new IllegalStateException("releasing a TornadoVM execution plan failed", e);
    }
  }
}
