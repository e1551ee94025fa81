package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.LossBatch;
import java.util.List;
import uk.ac.manchester.tornado.api.common.Access;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * What the per-loss glue shares: the native arrays and execution plan of the last batch shape,
 * rebuilt when the shape changes, and the copies between host and native arrays.
 */
abstract class TornadoKernel implements AutoCloseable {
  final TornadoBackend backend;
  private String shape;
  TornadoLaunch launch;
  // per-row losses, their count and their sum (the second task of every loss launch)
  FloatArray rowLoss;
  FloatArray total;
  IntArray count;

  TornadoKernel(TornadoBackend backend) {
    this.backend = backend;
  }

  /** Rebuilds arrays and plan through {@link #build} when the batch's shape is new. */
  final void prepare(LossBatch b, String extra) {
    String s = b.rows() + "x" + b.vocab() + "x" + b.contexts() + "/" + extra;
    if (!s.equals(shape)) {
      close();
      rowLoss = new FloatArray(Math.max(1, b.rows()));
      total = new FloatArray(1);
      count = new IntArray(1);
      count.set(0, b.rows());
      launch = build(b);
      shape = s;
    }
  }

  /** Allocates the native arrays of this shape and builds the launch over them. */
  abstract TornadoLaunch build(LossBatch b);

  TornadoLaunch launch(String name, String entry, LossBatch b, List<TornadoLaunch.Arg> args, boolean sum) {
    return new TornadoLaunch(name + "_" + b.rows() + "x" + b.vocab(), entry, backend.kernelFile, backend.device,
        backend.workGroup, b.rows(), args, sum ? rowLoss : null, total, count);
  }

  static TornadoLaunch.Arg in(Object array) {
    return new TornadoLaunch.Arg(array, Access.READ_ONLY);
  }

  static TornadoLaunch.Arg out(Object array) {
    return new TornadoLaunch.Arg(array, Access.WRITE_ONLY);
  }

  static FloatArray floats(long n, String what) {
    return new FloatArray(TornadoBackend.elements(Math.max(1, n), what));
  }

  static void copyIn(float[] src, FloatArray dst) {
    TornadoLaunch.copyIn(src, 0, dst, 0, src.length);
  }

  /** The K teacher arrays, one after the other. */
  static void copyTeachers(LossBatch b, FloatArray dst) {
    int cells = b.rows() * b.vocab();
    for (int k = 0; k < b.contexts(); k++) {
      TornadoLaunch.copyIn(b.teacherLogits()[k], 0, dst, (long) k * cells, cells);
    }
  }

  static IntArray ints(int... values) {
    IntArray a = new IntArray(Math.max(1, values.length));
    for (int i = 0; i < values.length; i++) {
      a.set(i, values[i]);
    }
    return a;
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
    if (launch != null) {
      launch.close();
      launch = null;
    }
    shape = null;
  }
}
