package dev.rcsd.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector passes over one row shared by the SIMD kernels. Rows are scanned in chunks that fit the
 * L1 cache: the chunk's max is found first, then its exponentials are summed against the running
 * max (online log-sum-exp with one exp per element). Each chunk's sum is reduced into a double, so
 * a 151,936-wide row keeps float32 rounding near 1e-6 relative. exp, log and lane sums are
 * {@link VectorMath}'s, which give the same bits before and after JIT compilation (the JDK's
 * SVML-backed {@code lanewise(EXP)} does not), and exact 0 for -inf padding.
 */
final class SimdRows {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  /** Floats per chunk: 8 KiB, a multiple of every vector length. */
  static final int CHUNK = 2048;
  /** Logs are clamped here so that 0 * log 0 gives 0 instead of NaN. */
  static final float LOG_FLOOR = -1e30f;
  private static final FloatVector FLOOR = FloatVector.broadcast(F, LOG_FLOOR);

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

  /**
   * As {@link #stats} without entropy, and also stores e(v) = exp((a_v - m_c) / T) in
   * {@code out[outFrom + v]}, m_c being the running max when v's chunk was summed (kept in
   * {@code st.chunkMax}). A gradient row about to be overwritten is the natural {@code out}: the
   * gradient pass then needs no exponential, see {@link #scaleStoredTokenGrad}.
   */
  static void statsStoring(float[] a, int from, int len, float invT, RowStats st, float[] out, int outFrom) {
    int chunks = (len + CHUNK - 1) / CHUNK;
    if (st.chunkMax.length < chunks) {
      st.chunkMax = new float[chunks];
    }
    float m = Float.NEGATIVE_INFINITY;
    double z = 0;
    for (int c = 0, k = 0; c < len; c += CHUNK, k++) {
      int n = Math.min(CHUNK, len - c);
      float cm = max(a, from + c, n);
      if (cm > m) {
        if (m != Float.NEGATIVE_INFINITY) {
          z *= Math.exp(((double) m - cm) * invT);
        }
        m = cm;
      }
      st.chunkMax[k] = m;
      if (m == Float.NEGATIVE_INFINITY) {
        java.util.Arrays.fill(out, outFrom + c, outFrom + c + n, 0f); // padding so far: p = 0
        continue;
      }
      z += storeExp(a, from + c, n, m, invT, out, outFrom + c);
    }
    st.max = m;
    st.logZ = (float) Math.log(z);
    st.entropy = Float.NaN;
  }

  /** out[i] = exp((a[i] - m) / T) over a chunk; returns their sum. */
  private static double storeExp(float[] a, int from, int n, float m, float invT, float[] out, int outFrom) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector vt = FloatVector.broadcast(F, invT);
    FloatVector acc = FloatVector.zero(F);
    FloatVector acc2 = FloatVector.zero(F);
    int i = 0;
    // two vectors per iteration: two independent exp chains for the out-of-order core to overlap
    for (int upper2 = n - n % (2 * L); i < upper2; i += 2 * L) {
      FloatVector e = VectorMath.exp(FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt));
      FloatVector e2 = VectorMath.exp(FloatVector.fromArray(F, a, from + i + L).sub(vm).mul(vt));
      e.intoArray(out, outFrom + i);
      e2.intoArray(out, outFrom + i + L);
      acc = acc.add(e);
      acc2 = acc2.add(e2);
    }
    for (int upper = F.loopBound(n); i < upper; i += L) {
      FloatVector e = VectorMath.exp(FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt));
      e.intoArray(out, outFrom + i);
      acc = acc.add(e);
    }
    float[] lanes = VectorMath.lanes();
    acc.add(acc2).intoArray(lanes, 0);
    double s = VectorMath.sum(lanes);
    for (; i < n; i++) {
      float e = (float) Math.exp((a[from + i] - m) * invT);
      out[outFrom + i] = e;
      s += e;
    }
    return s;
  }

  /**
   * Turns the exponentials stored by {@link #statsStoring} into the gradient of c * log p(token):
   * grad = c (onehot(token) - p), p(v) = e(v) exp((m_c - max) / T - log Z), one scale per chunk.
   */
  static void scaleStoredTokenGrad(RowStats st, float invT, float c, int token, float[] grad, int gFrom, int len) {
    if (c == 0f) {
      java.util.Arrays.fill(grad, gFrom, gFrom + len, 0f);
      return;
    }
    for (int ch = 0, k = 0; ch < len; ch += CHUNK, k++) {
      int n = Math.min(CHUNK, len - ch);
      float scale = (float) (-c * chunkScale(st, k, invT));
      FloatVector vs = FloatVector.broadcast(F, scale);
      int i = 0;
      int upper = F.loopBound(n);
      int base = gFrom + ch;
      for (; i < upper; i += L) {
        FloatVector.fromArray(F, grad, base + i).mul(vs).intoArray(grad, base + i);
      }
      for (; i < n; i++) {
        grad[base + i] *= scale;
      }
    }
    grad[gFrom + token] += c;
  }

  /**
   * The factor that turns chunk k's exponentials stored by {@link #statsStoring} into
   * probabilities: p(v) = e(v) exp((m_k - max) / T - log Z).
   */
  static double chunkScale(RowStats st, int k, float invT) {
    return Math.exp(((double) st.chunkMax[k] - st.max) * invT - st.logZ);
  }

  /** st.sumExp = sum exp((a - m) / T) over a chunk. */
  private static void sumExp(float[] a, int from, int n, float m, float invT, RowStats st) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector vt = FloatVector.broadcast(F, invT);
    FloatVector acc = FloatVector.zero(F);
    FloatVector acc2 = FloatVector.zero(F);
    int i = 0;
    // two vectors per iteration: two independent exp chains for the out-of-order core to overlap
    for (int upper2 = n - n % (2 * L); i < upper2; i += 2 * L) {
      acc = acc.add(VectorMath.exp(FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt)));
      acc2 = acc2.add(VectorMath.exp(FloatVector.fromArray(F, a, from + i + L).sub(vm).mul(vt)));
    }
    for (int upper = F.loopBound(n); i < upper; i += L) {
      acc = acc.add(VectorMath.exp(FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt)));
    }
    float[] lanes = VectorMath.lanes();
    acc.add(acc2).intoArray(lanes, 0);
    double s = VectorMath.sum(lanes);
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
    FloatVector acc2 = FloatVector.zero(F);
    FloatVector accD2 = FloatVector.zero(F);
    int i = 0;
    // two vectors per iteration: two independent exp chains for the out-of-order core to overlap
    for (int upper2 = n - n % (2 * L); i < upper2; i += 2 * L) {
      FloatVector d = FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt).max(FLOOR);
      FloatVector d2 = FloatVector.fromArray(F, a, from + i + L).sub(vm).mul(vt).max(FLOOR);
      FloatVector p = VectorMath.exp(d);
      FloatVector p2 = VectorMath.exp(d2);
      acc = acc.add(p);
      accD = p.fma(d, accD);
      acc2 = acc2.add(p2);
      accD2 = p2.fma(d2, accD2);
    }
    for (int upper = F.loopBound(n); i < upper; i += L) {
      FloatVector d = FloatVector.fromArray(F, a, from + i).sub(vm).mul(vt).max(FLOOR);
      FloatVector p = VectorMath.exp(d);
      acc = acc.add(p);
      accD = p.fma(d, accD);
    }
    float[] lanes = VectorMath.lanes();
    acc.add(acc2).intoArray(lanes, 0);
    double s = VectorMath.sum(lanes);
    accD.add(accD2).intoArray(lanes, 0);
    double sd = VectorMath.sum(lanes);
    for (; i < n; i++) {
      double d = Math.max((a[from + i] - m) * invT, LOG_FLOOR);
      double p = Math.exp(d);
      s += p;
      sd += p * d;
    }
    st.sumExp = s;
    st.sumExpD = sd;
  }

  /** The sum of per-row values in row order, so the total does not depend on the thread count. */
  static double sum(double[] rowValues) {
    return sum(rowValues, rowValues.length);
  }

  /** The sum of the first {@code rows} values in row order. */
  static double sum(double[] rowValues, int rows) {
    double s = 0;
    for (int i = 0; i < rows; i++) {
      s += rowValues[i];
    }
    return s;
  }
}
