package dev.rcsd.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.SyntheticBatch;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {
  static final int L = SimdRows.L;

  static float[] apply(boolean exp, float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i += L) {
      FloatVector v = FloatVector.fromArray(SimdRows.F, x, i);
      (exp ? VectorMath.exp(v) : VectorMath.log(v)).intoArray(out, i);
    }
    return out;
  }

  static double ulps(float got, double want) {
    return Math.abs(got - want) / Math.ulp((float) want);
  }

  @Test
  void expIsWithinTwoUlpOverItsRangeAndExactlyZeroBelowIt() {
    SplittableRandom rnd = new SplittableRandom(1);
    float[] x = new float[L * 4096];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-87.3, 88);
    }
    float[] y = apply(true, x);
    for (int i = 0; i < x.length; i++) {
      assertTrue(ulps(y[i], Math.exp(x[i])) <= 2, "exp(" + x[i] + ") = " + y[i] + ", want " + Math.exp(x[i]));
    }
    float[] special = new float[L];
    special[0] = Float.NEGATIVE_INFINITY;
    special[1] = -1e30f;
    special[2] = -88f;
    special[3] = 0f;
    special[4] = Float.NaN;
    special[5] = 200f;
    float[] s = apply(true, special);
    assertEquals(0f, s[0]);
    assertEquals(0f, s[1]);
    assertEquals(0f, s[2]);
    assertEquals(1f, s[3]);
    assertTrue(Float.isNaN(s[4]));
    assertEquals((float) Math.exp(88), s[5], Math.ulp((float) Math.exp(88)) * 2);
  }

  @Test
  void logIsWithinTwoUlpForNormalsAndClampsBelowThem() {
    SplittableRandom rnd = new SplittableRandom(2);
    float[] x = new float[L * 4096];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.exp(rnd.nextDouble(-87, 88));
    }
    float[] y = apply(false, x);
    for (int i = 0; i < x.length; i++) {
      double want = Math.log(x[i]);
      assertTrue(Math.abs(want) < 1e-3 ? Math.abs(y[i] - want) < 1e-7 : ulps(y[i], want) <= 2,
          "log(" + x[i] + ") = " + y[i] + ", want " + want);
    }
    float[] special = new float[L];
    special[0] = 0f;
    special[1] = Float.MIN_VALUE;
    special[2] = 1f;
    float[] s = apply(false, special);
    assertEquals((float) Math.log(Float.MIN_NORMAL), s[0], 1e-4f);
    assertEquals((float) Math.log(Float.MIN_NORMAL), s[1], 1e-4f);
    assertEquals(0f, s[2]);
  }

  /** The same inputs give the same bits from the first (interpreted) call to the last (compiled) one. */
  @Test
  void resultsDoNotChangeAsTheJitCompilesThem() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x = new float[L * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-30, 5);
    }
    float[] firstExp = apply(true, x);
    float[] firstLog = apply(false, firstExp);
    for (int round = 0; round < 20_000; round++) {
      float[] e = apply(true, x);
      float[] l = apply(false, e);
      if (round % 1000 == 999) {
        assertArrayEquals(firstExp, e, "exp, round " + round);
        assertArrayEquals(firstLog, l, "log, round " + round);
      }
    }
  }

  /** A kernel called again on the same batch (by then compiled) gives the same bits: resumed runs rely on it. */
  @Test
  void simdKernelsAreDeterministicAcrossCalls() {
    LossBatch b = SyntheticBatch.draw(1, SyntheticBatch.Spec.of(512, 223, 2));
    LossParams p = LossParams.DEFAULTS;
    try (KernelBackend k = Backends.open("simd", BackendOptions.DEFAULTS)) {
      float[] jsd = new float[512 * 223];
      float[] topk = new float[512 * 223];
      float[] rubric = new float[512 * 223];
      float[] grpo = new float[512 * 223];
      double[] first = null;
      float[][] firstGrads = null;
      for (int round = 0; round < 300; round++) {
        double[] losses = {
          k.generalizedJsd().compute(b, p, null, new float[2 * 512], jsd),
          k.generalizedJsd().compute(b, p.withJsdBeta(0f), null, new float[2 * 512], jsd),
          k.topKDistillation().compute(b, p, null, new float[2 * 512], topk),
          k.rubricAdvantage().compute(b, p, null, new float[512], rubric),
          k.grpoLoss().compute(b, p.withKlCoef(0.1f), null, grpo)};
        if (first == null) {
          first = losses;
          firstGrads = new float[][] {jsd.clone(), topk.clone(), rubric.clone(), grpo.clone()};
        } else {
          assertArrayEquals(first, losses, "losses of round " + round);
          assertArrayEquals(firstGrads[0], jsd, "jsd gradient of round " + round);
          assertArrayEquals(firstGrads[1], topk, "top-k gradient of round " + round);
          assertArrayEquals(firstGrads[2], rubric, "rubric gradient of round " + round);
          assertArrayEquals(firstGrads[3], grpo, "grpo gradient of round " + round);
        }
      }
    }
  }
}
