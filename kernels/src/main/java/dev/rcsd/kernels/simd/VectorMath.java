package dev.rcsd.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
 * Both are within 2 ulp of the true value over the normal range. exp returns exactly 0 below
 * -126.5 ln 2 = -87.68 (so -inf padding gives 0) and saturates above 88; log clamps its
 * argument to the smallest normal float, so log 0 is -87.34, not -inf (callers weigh it by 0).
 */
final class VectorMath {
  private static final VectorSpecies<Float> F = SimdRows.F;
  private static final VectorSpecies<Integer> I = F.withLanes(int.class).check(int.class);
  /** Adding 1.5 * 2^23 to a float of magnitude below 2^22 rounds it to an integer held in the low mantissa bits. */
  private static final float ROUND = 12582912f;
  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

  // Every constant is a vector made once: C2 counts the nodes of a method's inlined Vector API
  // calls before it simplifies them and stops inlining past a fixed count (NodeCountInliningCutoff),
  // after which vectors are boxed and a kernel runs several times slower. A broadcast per use
  // costs as many nodes as an operation; so do conversions and masks, which these avoid.
  private static final FloatVector ONE = c(1f);
  private static final FloatVector ROUND_V = c(ROUND);
  private static final FloatVector LOG2E = c(1.44269504088896341f);
  private static final FloatVector LN2_HI = c(0.693359375f); // 9 significant bits: n * LN2_HI is exact
  private static final FloatVector LN2_LO = c(-2.12194440e-4f);
  private static final FloatVector NEG_LN2_HI = LN2_HI.neg();
  private static final FloatVector NEG_LN2_LO = LN2_LO.neg();
  /** -127 ln 2: rounds to n = -127, whose 2^n has exponent bits 0, so exp is exactly 0 (also for -inf). */
  private static final FloatVector EXP_LOW = c(-88.02969f);
  private static final FloatVector EXP_HIGH = c(88f);
  private static final IntVector EXP_BIAS = IntVector.broadcast(I, ROUND_BITS - 127);
  private static final FloatVector EXP_P0 = c(1.9875691500e-4f);
  private static final FloatVector EXP_P1 = c(1.3981999507e-3f);
  private static final FloatVector EXP_P2 = c(8.3334519073e-3f);
  private static final FloatVector EXP_P3 = c(4.1665795894e-2f);
  private static final FloatVector EXP_P4 = c(1.6666665459e-1f);
  private static final FloatVector EXP_P5 = c(5.0000001201e-1f);
  private static final FloatVector MIN_NORMAL = c(Float.MIN_NORMAL);
  private static final FloatVector SQRT_HALF = c(0.707106781186547524f);
  private static final FloatVector ZERO = c(0f);
  private static final FloatVector NEG_HALF = c(-0.5f);
  private static final IntVector MANTISSA = IntVector.broadcast(I, 0x007FFFFF);
  private static final IntVector HALF_EXPONENT = IntVector.broadcast(I, 0x3F000000);
  private static final IntVector ROUND_BITS_V = IntVector.broadcast(I, ROUND_BITS);
  private static final FloatVector ROUND_PLUS_126 = c(ROUND + 126f);
  private static final FloatVector LOG_P0 = c(7.0376836292e-2f);
  private static final FloatVector LOG_P1 = c(-1.1514610310e-1f);
  private static final FloatVector LOG_P2 = c(1.1676998740e-1f);
  private static final FloatVector LOG_P3 = c(-1.2420140846e-1f);
  private static final FloatVector LOG_P4 = c(1.4249322787e-1f);
  private static final FloatVector LOG_P5 = c(-1.6668057665e-1f);
  private static final FloatVector LOG_P6 = c(2.0000714765e-1f);
  private static final FloatVector LOG_P7 = c(-2.4999993993e-1f);
  private static final FloatVector LOG_P8 = c(3.3333331174e-1f);

  private VectorMath() {}

  /** e^x per lane: exactly 0 below about -87.68 (results that would be subnormal) and for -inf; saturates above 88. */
  static FloatVector exp(FloatVector x) {
    FloatVector c = x.max(EXP_LOW).min(EXP_HIGH);
    FloatVector t = c.fma(LOG2E, ROUND_V); // ROUND + n, n = round(c log2 e)
    FloatVector n = t.sub(ROUND_V);
    FloatVector r = n.fma(NEG_LN2_HI, c);
    r = n.fma(NEG_LN2_LO, r);
    FloatVector p = r.fma(EXP_P0, EXP_P1);
    p = p.fma(r, EXP_P2);
    p = p.fma(r, EXP_P3);
    p = p.fma(r, EXP_P4);
    p = p.fma(r, EXP_P5);
    p = p.fma(r, ONE).fma(r, ONE); // 1 + r + r^2 p
    FloatVector scale = t.reinterpretAsInts().sub(EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scale);
  }

  /** ln x per lane for x &gt;= 0; below the smallest normal float (0 included) it is ln(FLT_MIN) = -87.34. */
  static FloatVector log(FloatVector x) {
    IntVector bits = x.max(MIN_NORMAL).reinterpretAsInts();
    // x = 2^e m with m in [0.5, 1); below sqrt(1/2) take 2m and e - 1, so f = m - 1 is in [-0.29, 0.41)
    FloatVector e = bits.lanewise(VectorOperators.LSHR, 23).add(ROUND_BITS_V).reinterpretAsFloats().sub(ROUND_PLUS_126);
    FloatVector m = bits.and(MANTISSA).or(HALF_EXPONENT).reinterpretAsFloats();
    VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
    FloatVector f = m.add(ZERO.blend(m, low)).sub(ONE);
    e = e.sub(ZERO.blend(ONE, low));
    FloatVector z = f.mul(f);
    FloatVector y = log1pTail(f, z);
    y = e.fma(LN2_LO, y);
    y = z.fma(NEG_HALF, y);
    return e.fma(LN2_HI, f.add(y));
  }

  /** Cephes' log1p(f) - f + f^2/2 as f^3 P(f), P of degree 8 (its own method to keep log small enough to inline). */
  private static FloatVector log1pTail(FloatVector f, FloatVector z) {
    FloatVector y = f.fma(LOG_P0, LOG_P1);
    y = y.fma(f, LOG_P2);
    y = y.fma(f, LOG_P3);
    y = y.fma(f, LOG_P4);
    y = y.fma(f, LOG_P5);
    y = y.fma(f, LOG_P6);
    y = y.fma(f, LOG_P7);
    y = y.fma(f, LOG_P8);
    return y.mul(f).mul(z);
  }

  private static FloatVector c(float v) {
    return FloatVector.broadcast(F, v);
  }

  /** This thread's array of one vector's lanes. */
  static float[] lanes() {
    return LANES.get();
  }

  /**
   * The sum of lanes a loop stored with {@code v.intoArray(lanes, 0)}, in lane order in double,
   * so that it does not depend on the JIT. Kernels store and call this rather than passing the
   * vector to a method: past C2's NodeCountInliningCutoff a call is not inlined and a vector
   * argument is boxed, while the force-inlined store always is inlined.
   */
  static double sum(float[] lanes) {
    double s = 0;
    for (float x : lanes) {
      s += x;
    }
    return s;
  }

  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[F.length()]);
}
