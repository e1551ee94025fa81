package dev.rcsd.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {
  private static final int L = VectorMath.F.length();

  private static float[] apply(boolean exp, float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i += L) {
      FloatVector v = FloatVector.fromArray(VectorMath.F, x, i);
      (exp ? VectorMath.exp(v) : VectorMath.log(v)).intoArray(out, i);
    }
    return out;
  }

  private static float[] sweep(float lo, float hi, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * i / (n - 1);
    }
    return x;
  }

  @Test
  void expIsWithinTwoUlpOverTheNormalRange() {
    float[] x = sweep(-87f, 88f, 1 << 16);
    float[] y = apply(true, x);
    for (int i = 0; i < x.length; i++) {
      double want = Math.exp(x[i]);
      assertTrue(Math.abs(y[i] - want) <= 2 * Math.ulp((float) want), "exp(" + x[i] + ") = " + y[i] + ", want " + want);
    }
  }

  @Test
  void expOfMinusInfinityAndUnderflowIsExactlyZero() {
    float[] x = new float[L];
    x[0] = Float.NEGATIVE_INFINITY;
    x[1] = -1e30f;
    x[2] = -88f;
    x[3] = 0f;
    float[] y = apply(true, x);
    assertEquals(0f, y[0]);
    assertEquals(0f, y[1]);
    assertEquals(0f, y[2]);
    assertEquals(1f, y[3]);
  }

  @Test
  void logIsWithinTwoUlpForNormalInputs() {
    float[] x = new float[1 << 16];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.pow(10, -37 + 74.0 * i / (x.length - 1));
    }
    float[] y = apply(false, x);
    for (int i = 0; i < x.length; i++) {
      double want = Math.log(x[i]);
      assertTrue(Math.abs(y[i] - want) <= 2 * Math.ulp((float) want) + 1e-7,
          "log(" + x[i] + ") = " + y[i] + ", want " + want);
    }
  }

  @Test
  void logOfZeroIsTheLogOfTheSmallestNormal() {
    float[] x = new float[L];
    float[] y = apply(false, x);
    assertEquals(Math.log(Float.MIN_NORMAL), y[0], 1e-4);
  }
}
