package dev.rcsd.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rcsd.kernels.Cases;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendContract;
import dev.rcsd.kernels.KernelOutputs;
import org.junit.jupiter.api.Test;

class SimdBackendTest extends KernelBackendContract {
  @Override
  protected KernelBackend open() {
    return new SimdBackend(2);
  }

  /** Rows never span workers and losses are summed in row order: bitwise equal for any thread count. */
  @Test
  void resultsDoNotDependOnTheThreadCount() {
    Cases.Case c = Cases.all().get(20);
    try (SimdBackend one = new SimdBackend(1); SimdBackend three = new SimdBackend(3)) {
      KernelOutputs a = KernelOutputs.of(one, c.batch(), c.params());
      KernelOutputs b = KernelOutputs.of(three, c.batch(), c.params());
      assertArrayEquals(a.gradJsd, b.gradJsd);
      assertArrayEquals(a.gradTopk, b.gradTopk);
      assertArrayEquals(a.gradPg, b.gradPg);
      assertArrayEquals(a.gradGrpo, b.gradGrpo);
      assertEquals(a.lossJsd(), b.lossJsd());
      assertEquals(a.lossGrpo(), b.lossGrpo());
    }
  }
}
