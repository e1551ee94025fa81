package dev.rcsd.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 {@code exp} and {@code log} on whole vectors, Cephes' polynomials with Cody-Waite range
 * reduction (within 1 ulp of the rounded result over the normal range). Written here rather than
 * taken from {@code lanewise(EXP)} because the JDK's SVML path falls to a slow path on inputs that
 * underflow, which is exactly what padded and far-below-max logits are, and because it gives
 * exactly 0 for -inf.
 */
final class VectorMath {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Below this, exp(x) is 0 (the result would be subnormal). */
  private static final float EXP_UNDERFLOW = -87.33654f;
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** 1.5 * 2^23: adding it rounds a float to an integer kept in the low mantissa bits. */
  private static final float ROUND = 12582912f;
  private static final float SQRT_HALF = 0.707106781186547524f;

  private VectorMath() {}

  /** e^x per lane; 0 for x below -87.34 (and for -inf). */
  static FloatVector exp(FloatVector x) {
    VectorMask<Float> under = x.compare(VectorOperators.LT, EXP_UNDERFLOW);
    FloatVector xc = x.max(EXP_UNDERFLOW);
    FloatVector t = xc.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUND));
    FloatVector k = t.sub(ROUND);
    FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), xc);
    r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
    FloatVector p = r.fma(FloatVector.broadcast(F, 1.9875691500e-4f), FloatVector.broadcast(F, 1.3981999507e-3f));
    p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
    p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
    p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
    p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
    p = p.fma(r.mul(r), r).add(1f);
    IntVector exponent = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND)).add(127);
    FloatVector scale = exponent.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scale).blend(0f, under);
  }

  /**
   * ln x per lane for x &gt;= 0. Zero and subnormal inputs are taken as the smallest normal float
   * (about -87.3): callers multiply the result by a probability that is then 0 or negligible.
   */
  static FloatVector log(FloatVector x) {
    FloatVector xc = x.max(Float.MIN_NORMAL);
    IntVector bits = xc.reinterpretAsInts();
    IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(126);
    // mantissa in [0.5, 1)
    FloatVector m = bits.and(0x807fffff).or(0x3f000000).reinterpretAsFloats();
    VectorMask<Float> small = m.compare(VectorOperators.LT, SQRT_HALF);
    FloatVector ef = (FloatVector) e.convertShape(VectorOperators.I2F, F, 0);
    ef = ef.sub(FloatVector.broadcast(F, 1f), small);
    m = m.add(m.blend(0f, small.not())).sub(1f);
    FloatVector z = m.mul(m);
    FloatVector y = m.fma(FloatVector.broadcast(F, 7.0376836292e-2f), FloatVector.broadcast(F, -1.1514610310e-1f));
    y = y.fma(m, FloatVector.broadcast(F, 1.1676998740e-1f));
    y = y.fma(m, FloatVector.broadcast(F, -1.2420140846e-1f));
    y = y.fma(m, FloatVector.broadcast(F, 1.4249322787e-1f));
    y = y.fma(m, FloatVector.broadcast(F, -1.6668057665e-1f));
    y = y.fma(m, FloatVector.broadcast(F, 2.0000714765e-1f));
    y = y.fma(m, FloatVector.broadcast(F, -2.4999993993e-1f));
    y = y.fma(m, FloatVector.broadcast(F, 3.3333331174e-1f));
    y = y.mul(m).mul(z);
    y = ef.fma(FloatVector.broadcast(F, LN2_LO), y);
    y = z.fma(FloatVector.broadcast(F, -0.5f), y);
    return ef.fma(FloatVector.broadcast(F, LN2_HI), m.add(y));
  }
}
