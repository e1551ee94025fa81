package dev.rcsd.kernels;

import static org.junit.jupiter.api.Assertions.fail;

/** Tolerance checks that name the worst element. */
public final class Close {
  private Close() {}

  /** |actual - expected| &lt;= atol + rtol |expected| everywhere; infinities must match exactly. */
  public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
    if (expected.length != actual.length) {
      fail(what + ": length " + actual.length + ", expected " + expected.length);
    }
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(a) || Double.isNaN(e)) {
        if (!(Double.isNaN(a) && Double.isNaN(e))) {
          fail(what + "[" + i + "] = " + a + ", expected " + e);
        }
        continue;
      }
      if (Double.isInfinite(e) || Double.isInfinite(a)) {
        if (e != a) {
          fail(what + "[" + i + "] = " + a + ", expected " + e);
        }
        continue;
      }
      double excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
    if (worst >= 0) {
      fail(what + "[" + worst + "] = " + actual[worst] + ", expected " + expected[worst] + " (tolerance "
          + atol + " + " + rtol + " * |expected|)");
    }
  }

  public static void assertClose(String what, double expected, double actual, double atol, double rtol) {
    assertClose(what, new float[] {(float) expected}, new float[] {(float) actual}, atol, rtol);
  }

  /** Max |x| over the array, for tolerances relative to a gradient's scale. */
  public static double maxAbs(float[] a) {
    double m = 0;
    for (float x : a) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  public static void assertNoNaN(String what, float[] a) {
    for (int i = 0; i < a.length; i++) {
      if (Float.isNaN(a[i])) {
        fail(what + "[" + i + "] is NaN");
      }
    }
  }
}
