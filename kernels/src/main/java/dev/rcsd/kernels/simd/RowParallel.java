package dev.rcsd.kernels.simd;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Spreads the rows of a kernel call over a fixed set of threads: {@code threads - 1} workers and
 * the calling thread. A call is cut into {@code 4 x threads} contiguous blocks of rows, which the
 * threads claim one at a time. A row is always computed whole by one thread, so results do not
 * depend on the thread count.
 *
 * <p>A call allocates nothing (JMH's {@code -prof gc} reads 0 bytes per kernel call): blocks are
 * claimed from one counter holding (call number, next block), workers sleep and wake through
 * {@link LockSupport}, and kernels pass a {@link RowBlock} they made once. One call runs at a time;
 * concurrent callers wait for each other.
 */
final class RowParallel implements AutoCloseable {
  /** Work on rows [from, to). */
  interface RowBlock {
    void run(int from, int to);
  }

  private final int threads;
  private final Thread[] workers;
  /** (call number << 32) | next block to claim; a worker claims only blocks of the call it woke for. */
  private final AtomicLong claims = new AtomicLong();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile int call;
  private volatile boolean closed;
  // the running call, published by the write of {@code claims} that starts it
  private RowBlock job;
  private int rows;
  private int blocks;
  private Thread caller;
  private volatile Throwable failure;

  RowParallel(int threads) {
    this.threads = threads;
    workers = new Thread[Math.max(0, threads - 1)];
    for (int i = 0; i < workers.length; i++) {
      Thread w = new Thread(this::workerLoop, "rcsd-simd-" + (i + 1));
      w.setDaemon(true);
      workers[i] = w;
      w.start();
    }
  }

  int threads() {
    return threads;
  }

  synchronized void forEachBlock(int rows, RowBlock block) {
    int n = Math.min(rows, threads * 4);
    if (workers.length == 0 || n <= 1) {
      block.run(0, rows);
      return;
    }
    if (closed) {
      throw new IllegalStateException("the simd backend is closed");
    }
    this.job = block;
    this.rows = rows;
    this.blocks = n;
    this.caller = Thread.currentThread();
    failure = null;
    pending.set(n);
    int c = call + 1;
    claims.set((long) c << 32);
    call = c;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    work(c);
    while (pending.get() > 0) {
      LockSupport.park(this);
    }
    job = null;
    Throwable t = failure;
    if (t != null) {
      failure = null;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(t);
    }
  }

  /** Claims and runs blocks of call {@code c} until none is left. */
  private void work(int c) {
    while (true) {
      long s = claims.get();
      int b = (int) s;
      if ((int) (s >>> 32) != c || b >= blocks) {
        return;
      }
      if (!claims.compareAndSet(s, s + 1)) {
        continue;
      }
      try {
        job.run((int) ((long) rows * b / blocks), (int) ((long) rows * (b + 1) / blocks));
      } catch (Throwable t) {
        failure = t;
      } finally {
        if (pending.decrementAndGet() == 0) {
          LockSupport.unpark(caller);
        }
      }
    }
  }

  private void workerLoop() {
    int seen = 0;
    while (!closed) {
      int c = call;
      if (c != seen) {
        seen = c;
        work(c);
      } else {
        LockSupport.park(this);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    for (Thread w : workers) {
      try {
        w.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
