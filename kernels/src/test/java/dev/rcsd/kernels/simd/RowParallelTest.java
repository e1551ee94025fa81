package dev.rcsd.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class RowParallelTest {
  @Test
  void everyRowRunsExactlyOncePerCall() {
    try (RowParallel parallel = new RowParallel(3)) {
      for (int rows : new int[] {1, 2, 11, 12, 13, 1000}) {
        for (int call = 0; call < 50; call++) {
          AtomicIntegerArray seen = new AtomicIntegerArray(rows);
          parallel.forEachBlock(rows, (from, to) -> {
            for (int n = from; n < to; n++) {
              seen.incrementAndGet(n);
            }
          });
          int[] once = new int[rows];
          java.util.Arrays.fill(once, 1);
          int[] got = new int[rows];
          for (int n = 0; n < rows; n++) {
            got[n] = seen.get(n);
          }
          assertArrayEquals(once, got, rows + " rows, call " + call);
        }
      }
    }
  }

  @Test
  void aFailingBlockFailsTheCallAndTheNextCallStillRuns() {
    try (RowParallel parallel = new RowParallel(2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.forEachBlock(8, (from, to) -> {
        if (from == 0) {
          throw new IllegalStateException("block 0 failed");
        }
      }));
      assertEquals("block 0 failed", e.getMessage());
      AtomicIntegerArray seen = new AtomicIntegerArray(8);
      parallel.forEachBlock(8, (from, to) -> {
        for (int n = from; n < to; n++) {
          seen.incrementAndGet(n);
        }
      });
      for (int n = 0; n < 8; n++) {
        assertEquals(1, seen.get(n));
      }
    }
  }

  @Test
  void concurrentCallersEachGetTheirRows() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try (RowParallel parallel = new RowParallel(2)) {
      Future<?>[] f = new Future<?>[3];
      for (int c = 0; c < 3; c++) {
        int rows = 100 + c;
        f[c] = callers.submit(() -> {
          for (int call = 0; call < 30; call++) {
            AtomicIntegerArray seen = new AtomicIntegerArray(rows);
            parallel.forEachBlock(rows, (from, to) -> {
              for (int n = from; n < to; n++) {
                seen.incrementAndGet(n);
              }
            });
            for (int n = 0; n < rows; n++) {
              assertEquals(1, seen.get(n));
            }
          }
          return null;
        });
      }
      for (Future<?> x : f) {
        x.get();
      }
    } finally {
      callers.shutdownNow();
    }
  }
}
