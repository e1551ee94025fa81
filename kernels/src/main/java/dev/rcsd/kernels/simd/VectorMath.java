package dev.rcsd.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, log and lane sums whose results do not depend on whether C2 has compiled the caller.
 *
 * <p>The JDK's {@code lanewise(EXP)} and {@code lanewise(LOG)} run SVML when compiled and
 * {@code Math.exp} lane by lane before, and {@code reduceLanes(ADD)} may add in either order: a
 * kernel's output then changes, in the last bits, as the JIT warms up, and a training run resumed
 * in a fresh JVM drifts from the uninterrupted one. These use only IEEE add, mul, fma, compares,
 * exact conversions and bit operations, which both paths compute identically:
 *
 * <pre>
 *   exp(x) = 2^n p(r),  n = round(x log2 e),  r = x - n ln 2 (two-part ln 2),  p: degree-6 (Cephes expf)
 *   log(x) = e ln 2 + log1p(f),  x = 2^e (1 + f), sqrt(1/2) &lt;= 1 + f &lt; sqrt(2),  log1p: degree-9 (Cephes logf)
 * </pre>
 *
 * Both are within 2 ulp of the true value. exp returns exactly 0 below ln(FLT_MIN) (so -inf
 * padding gives 0) and saturates above 88; log returns -inf for 0 and log(FLT_MIN) for subnormals.
 */
final class VectorMath {
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer. */
  private static final float ROUND = 12582912f;
  private static final float EXP_MIN = -87.33654f; // ln(FLT_MIN): 2^n stays a normal float above it
  private static final float EXP_MAX = 88f;
  private static final float SQRT_HALF = 0.707106781186547524f;
  private static final float LOG_MIN = -87.33655f; // log(FLT_MIN)

  private VectorMath() {}

  static FloatVector exp(FloatVector x) {
    VectorMask<Float> under = x.compare(VectorOperators.LT, EXP_MIN);
    FloatVector c = x.max(EXP_MIN).min(EXP_MAX);
    FloatVector n = c.mul(LOG2E).add(ROUND).sub(ROUND);
    FloatVector r = c.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO)); // n * LN2_HI is exact: LN2_HI has 9 bits
    FloatVector p = horner(r, 1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
        1.6666665459e-1f, 5.0000001201e-1f);
    p = p.fma(r.mul(r), r).add(1f);
    IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
    return p.mul(bits.reinterpretAsFloats()).blend(0f, under);
  }

  static FloatVector log(FloatVector x) {
    VectorMask<Float> zero = x.compare(VectorOperators.LE, 0f);
    VectorMask<Float> tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
    IntVector bits = x.max(Float.MIN_NORMAL).reinterpretAsInts();
    // x = 2^e m with m in [0.5, 1); below sqrt(1/2) take 2m and e - 1, so f = m - 1 is in [-0.29, 0.41)
    IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(126);
    FloatVector m = bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats();
    FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
    VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
    FloatVector f = m.add(m.blend(0f, low.not())).sub(1f);
    ef = ef.sub(FloatVector.broadcast(x.species(), 1f).blend(0f, low.not()));
    FloatVector z = f.mul(f);
    FloatVector y = horner(f, 7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f, -1.2420140846e-1f,
        1.4249322787e-1f, -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f);
    y = y.mul(f).mul(z);
    y = y.add(ef.mul(LN2_LO));
    y = y.sub(z.mul(0.5f));
    FloatVector out = f.add(y).add(ef.mul(LN2_HI));
    return out.blend(LOG_MIN, tiny).blend(Float.NEGATIVE_INFINITY, zero);
  }

  /** c[0] x^(k-1) + c[1] x^(k-2) + ... + c[k-1], by fused multiply-adds. */
  private static FloatVector horner(FloatVector x, float... c) {
    FloatVector p = FloatVector.broadcast(x.species(), c[0]);
    for (int i = 1; i < c.length; i++) {
      p = p.fma(x, FloatVector.broadcast(x.species(), c[i]));
    }
    return p;
  }

  /** The lanes' sum, added in lane order in double. */
  static double sum(FloatVector v) {
    float[] lanes = v.toArray();
    double s = 0;
    for (float x : lanes) {
      s += x;
    }
    return s;
  }
}
