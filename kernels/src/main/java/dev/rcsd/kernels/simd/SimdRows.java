package dev.rcsd.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector passes over one row shared by the SIMD kernels. Rows are scanned in chunks that fit the
 * L1 cache: the chunk's max is found first, then its exponentials are summed against the running
 * max (online log-sum-exp with one exp per element). Each chunk's sum is reduced into a double, so
 * a 151,936-wide row keeps float32 rounding near 1e-6 relative. exp and log are the JDK's
 * {@code lanewise(EXP)} and {@code lanewise(LOG)} (SVML on x86): one intrinsic each, which keeps
 * C2's graphs small enough to inline every vector operation, and exact 0 for -inf padding.
 */
final class SimdRows {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  /** Floats per chunk: 8 KiB, a multiple of every vector length. */
  static final int CHUNK = 2048;
  /** Logs are clamped here so that 0 * log 0 gives 0 instead of NaN. */
  static final float LOG_FLOOR = -1e30f;

  private SimdRows() {}

  /** max of a[from, from + len). */
  static float max(float[] a, int from, int len) {
    int i = 0;
    float m = Float.NEGATIVE_INFINITY;
    int upper = F.loopBound(len);
    if (upper > 0) {
      FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (; i < upper; i += L) {
        acc = acc.max(FloatVector.fromArray(F, a, from + i));
      }
      m = acc.reduceLanes(VectorOperators.MAX);
    }
    for (; i < len; i++) {
      m = Math.max(m, a[from + i]);
    }
    return m;
  }

  /** Fills {@code st} with the max and log Z of softmax(a[from, from + len) / T), and the entropy if asked. */
  static void stats(float[] a, int from, int len, float invT, boolean entropy, RowStats st) {
    float m = Float.NEGATIVE_INFINITY;
    double z = 0;
    double e = 0;
    for (int c = 0; c < len; c += CHUNK) {
      int n = Math.min(CHUNK, len - c);
      float cm = max(a, from + c, n);
      if (cm == Float.NEGATIVE_INFINITY) {
        continue;
      }
      if (cm > m) {
        if (m != Float.NEGATIVE_INFINITY) {
          double shift = ((double) m - cm) * invT;
          double r = Math.exp(shift);
          e = (e + shift * z) * r;
          z *= r;
        }
        m = cm;
      }
      if (entropy) {
        sumExpWithD(a, from + c, n, m, invT, st);
        e += st.sumExpD;
      } else {
        sumExp(a, from + c, n, m, invT, st);
      }
      z += st.sumExp;
    }
    st.max = m;
    st.logZ = (float) Math.log(z);
    st.entropy = entropy ? (float) (Math.log(z) - e / z) : Float.NaN;
  }

  /** st.sumExp = sum exp((a - m) / T) over a chunk. */
  private static void sumExp(float[] a, int from, int n, float m, float invT, RowStats st) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector vt = FloatVector.broadcast(F, invT);
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    int i = 0;
    int upper2 = n - n % (2 * L);
    for (; i < upper2; i += 2 * L) {
      acc0 = acc0.add(FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt).lanewise(VectorOperators.EXP));
      acc1 = acc1.add(FloatVector.fromArray(F, a, from + i + L).sub(vm).mul(vt).lanewise(VectorOperators.EXP));
    }
    double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += Math.exp((a[from + i] - m) * invT);
    }
    st.sumExp = s;
  }

  /** As {@link #sumExp}, also st.sumExpD = sum exp(d) d with d = (a - m) / T. */
  private static void sumExpWithD(float[] a, int from, int n, float m, float invT, RowStats st) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector vt = FloatVector.broadcast(F, invT);
    FloatVector acc = FloatVector.zero(F);
    FloatVector accD = FloatVector.zero(F);
    int i = 0;
    int upper = F.loopBound(n);
    for (; i < upper; i += L) {
      FloatVector d = FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt).max(LOG_FLOOR);
      FloatVector p = d.lanewise(VectorOperators.EXP);
      acc = acc.add(p);
      accD = p.fma(d, accD);
    }
    double s = acc.reduceLanes(VectorOperators.ADD);
    double sd = accD.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      double d = Math.max((a[from + i] - m) * invT, LOG_FLOOR);
      double p = Math.exp(d);
      s += p;
      sd += p * d;
    }
    st.sumExp = s;
    st.sumExpD = sd;
  }

  /**
   * grad[gFrom + v] = c (onehot(token) - p(v)) for p = softmax of the row described by {@code st}:
   * the gradient of c * log p(token) with respect to the row's scaled logits. Writes zeros when c = 0.
   */
  static void writeTokenGrad(float[] a, int from, int len, RowStats st, float invT, float c, int token,
      float[] grad, int gFrom) {
    if (c == 0f) {
      java.util.Arrays.fill(grad, gFrom, gFrom + len, 0f);
      return;
    }
    FloatVector vm = FloatVector.broadcast(F, st.max);
    FloatVector vt = FloatVector.broadcast(F, invT);
    FloatVector vz = FloatVector.broadcast(F, st.logZ);
    FloatVector vc = FloatVector.broadcast(F, -c);
    int i = 0;
    int upper = F.loopBound(len);
    for (; i < upper; i += L) {
      FloatVector logp = FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt).sub(vz);
      logp.lanewise(VectorOperators.EXP).mul(vc).intoArray(grad, gFrom + i);
    }
    for (; i < len; i++) {
      grad[gFrom + i] = (float) (-c * Math.exp(st.logProb(a[from + i], invT)));
    }
    grad[gFrom + token] += c;
  }

  /** The sum of per-row values in row order, so the total does not depend on the thread count. */
  static double sum(double[] rowValues) {
    double s = 0;
    for (double x : rowValues) {
      s += x;
    }
    return s;
  }
}
