package dev.rcsd.kernels.simd;

/**
 * What every SIMD kernel's call shares: the subclass stores the call's arguments in its fields,
 * then {@link #runRows} runs {@link #rows} over every row on the {@link RowParallel} with a task
 * made once (nothing is allocated per call), sums the per-row losses in row order and drops the
 * call's references. Calls are serialised by the subclass ({@code synchronized} compute).
 */
abstract class RowKernel {
  private final RowParallel parallel;
  private final RowParallel.RowBlock body = this::rows;
  /** The running call's per-row losses [N], written by {@link #rows}. */
  protected double[] rowLoss;
  /** The running call's weight of a row's loss, mask / (K M). */
  protected double scale;

  RowKernel(RowParallel parallel) {
    this.parallel = parallel;
  }

  /** Runs {@link #rows} over rows [0, rows); returns the sum of the row losses times {@code scale}. */
  protected final double runRows(int rows, double scale) {
    this.scale = scale;
    this.rowLoss = Scratch.ofThread().rowLoss(rows);
    try {
      parallel.forEachBlock(rows, body);
      return SimdRows.sum(rowLoss, rows) * scale;
    } finally {
      rowLoss = null;
      clearCall();
    }
  }

  /**
   * Computes rows [from, to) of the running call, writing {@code rowLoss[n]} for each (a kernel
   * without a loss writes none and ignores what {@link #runRows} returns).
   */
  protected abstract void rows(int from, int to);

  /** Drops the running call's references to the caller's arrays. */
  protected abstract void clearCall();
}
