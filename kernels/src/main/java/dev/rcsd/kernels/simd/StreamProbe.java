package dev.rcsd.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The memory-bandwidth baseline of the kernels: moves the same bytes a fused loss kernel must
 * (each logits array read once, the gradient written once) with no arithmetic to speak of, split
 * over rows and threads as the kernels are. With an output, {@code out[i] = sum_j in_j[i]}; without
 * one, the inputs are only summed. A kernel's GB/s over this probe's is how close it runs to the
 * memory system.
 */
public final class StreamProbe implements AutoCloseable {
  private final RowParallel parallel;

  public StreamProbe(int threads) {
    parallel = new RowParallel(threads);
  }

  /**
   * @param inputs arrays of rows * cols floats each, read once
   * @param out rows * cols floats written once, or null for a read-only probe
   * @return a checksum, so that the reads cannot be optimised away
   */
  public double run(float[][] inputs, float[] out, int rows, int cols) {
    double[] sums = new double[rows]; // [N]
    parallel.forEachBlock(rows, (from, to) -> {
      int begin = from * cols;
      int end = to * cols;
      int i = begin;
      int upper = begin + SimdRows.F.loopBound(end - begin);
      FloatVector total = FloatVector.zero(SimdRows.F);
      for (; i < upper; i += SimdRows.L) {
        FloatVector acc = FloatVector.fromArray(SimdRows.F, inputs[0], i);
        for (int j = 1; j < inputs.length; j++) {
          acc = acc.add(FloatVector.fromArray(SimdRows.F, inputs[j], i));
        }
        if (out != null) {
          acc.intoArray(out, i);
        } else {
          total = total.add(acc);
        }
      }
      double tail = total.reduceLanes(VectorOperators.ADD);
      for (; i < end; i++) {
        float acc = 0;
        for (float[] in : inputs) {
          acc += in[i];
        }
        if (out != null) {
          out[i] = acc;
        } else {
          tail += acc;
        }
      }
      sums[from] = tail;
    });
    return SimdRows.sum(sums);
  }

  @Override
  public void close() {
    parallel.close();
  }
}
