package dev.rcsd.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-row outputs of a kernel call on a block of rows ({@link LossBatch#isBlock()}): the
 * caller's arrays span the whole batch ([N] or [K, N] with N its rows), the kernel writes
 * block-sized ones, and {@link #place()} copies those to the block's rows. A whole batch passes
 * the caller's arrays through.
 */
final class BlockOutputs {
  private final LossBatch block;
  private final List<float[][]> pending = new ArrayList<>(); // {local, caller's, contexts}

  BlockOutputs(LossBatch block) {
    this.block = block;
  }

  /**
   * The array to hand the kernel for {@code out} ([contexts, batch rows], or null when not wanted).
   */
  float[] local(String name, float[] out, int contexts) {
    if (out == null || !block.isBlock()) {
      return out;
    }
    Outputs.require(name, out, (long) contexts * block.batchRows());
    float[] local = new float[contexts * block.rows()];
    pending.add(new float[][] {local, out, {contexts}});
    return local;
  }

  /** Copies the block's rows of every output requested through {@link #local}. */
  void place() {
    int n = block.rows();
    for (float[][] p : pending) {
      int contexts = (int) p[2][0];
      for (int k = 0; k < contexts; k++) {
        System.arraycopy(p[0], k * n, p[1], k * block.batchRows() + block.firstRow(), n);
      }
    }
  }
}
