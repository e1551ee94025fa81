package dev.rcsd.kernels.simd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;

/**
 * Spreads the rows of a kernel call over a fixed pool of workers. Each worker gets a contiguous
 * block of rows and allocates its scratch once per block, never per row. A row is always computed
 * by one worker, so results do not depend on the thread count.
 */
final class RowParallel implements AutoCloseable {
  /** Work on rows [from, to). */
  interface RowBlock {
    void run(int from, int to);
  }

  private final int threads;
  private final ForkJoinPool pool;

  RowParallel(int threads) {
    this.threads = threads;
    this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
  }

  int threads() {
    return threads;
  }

  void forEachBlock(int rows, RowBlock block) {
    int blocks = Math.min(rows, threads * 4);
    if (pool == null || blocks <= 1) {
      block.run(0, rows);
      return;
    }
    List<ForkJoinTask<?>> tasks = new ArrayList<>(blocks);
    for (int b = 0; b < blocks; b++) {
      int from = (int) ((long) rows * b / blocks);
      int to = (int) ((long) rows * (b + 1) / blocks);
      tasks.add(ForkJoinTask.adapt(() -> block.run(from, to)));
    }
    pool.submit(() -> ForkJoinTask.invokeAll(tasks)).join();
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
