package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link GeneralizedJsd}, fused per row n:
 *
 * <pre>
 *   pass 1   student and teacher rows   -> max, log Z of each
 *   pass 2   per context k, elementwise -> jsd[k, n], KL_k = KL(p_S || m_k) and
 *            grad  = sum_k c gamma p_S (log p_S - log m_k)        (beta = 0: c (p_S - p_T))
 *   pass 3   student row and grad       -> grad -= p_S sum_k c gamma KL_k   (beta &gt; 0 only)
 * </pre>
 *
 * with c = mask_n / (K M T), gamma = 1 - beta (1 when beta = 1, where m = p_T). Logs are clamped to
 * {@link SimdRows#LOG_FLOOR} so that padding (p = 0) contributes exactly 0.
 */
public final class GeneralizedJsdSimd implements GeneralizedJsd {
  private final RowParallel parallel;

  GeneralizedJsdSimd(RowParallel parallel) {
    this.parallel = parallel;
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] jsd, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    float[][] teachers = batch.teacherLogits(); // [K][N, V]
    int contexts = teachers.length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("jsd", jsd, (long) contexts * rows);
    Outputs.require("grad_jsd", grad, (long) rows * vocab);
    float invT = 1f / params.temperature();
    float beta = params.jsdBeta();
    float gamma = beta == 1f ? 1f : 1f - beta;
    double scale = Outputs.rowScale(batch, contexts);
    float[] z = batch.studentLogits(); // [N, V]
    double[] rowLoss = new double[rows]; // [N]
    parallel.forEachBlock(rows, (from, to) -> {
      RowStats st = new RowStats();
      RowStats tt = new RowStats();
      double[] sums = new double[2]; // jsd, KL(p_S || m) of the context being summed
      float[][] chunk = beta > 0f && beta < 1f ? new float[2][SimdRows.CHUNK] : null; // p_S, p_T of a chunk
      for (int n = from; n < to; n++) {
        int base = n * vocab;
        SimdRows.stats(z, base, vocab, invT, false, st);
        if (studentLogprobs != null) {
          studentLogprobs[n] = st.logProb(z[base + batch.tokens()[n]], invT);
        }
        double mask = batch.mask()[n];
        float c = (float) (mask * scale * invT);
        boolean writeGrad = c != 0f;
        double correction = 0;
        double loss = 0;
        for (int k = 0; k < contexts; k++) {
          float[] u = teachers[k];
          SimdRows.stats(u, base, vocab, invT, false, tt);
          boolean first = k == 0;
          if (beta == 0f) {
            forwardKl(z, u, base, vocab, st, tt, invT, writeGrad ? c : 0f, first, writeGrad, grad, sums);
          } else {
            float cg = writeGrad ? c * gamma : 0f;
            if (beta == 1f) {
              reverseKl(z, u, base, vocab, st, tt, invT, cg, first, writeGrad, grad, sums);
            } else {
              mixture(z, u, base, vocab, st, tt, invT, beta, cg, first, writeGrad, grad, sums, chunk);
            }
            correction += c * gamma * sums[1];
          }
          jsd[k * rows + n] = (float) sums[0];
          loss += mask * sums[0];
        }
        if (!writeGrad) {
          java.util.Arrays.fill(grad, base, base + vocab, 0f);
        } else if (beta != 0f) {
          subtractScaledStudent(z, base, vocab, st, invT, (float) correction, grad);
        }
        rowLoss[n] = loss;
      }
    });
    return SimdRows.sum(rowLoss) * scale;
  }

  /** beta = 0: sums[0] = KL(p_T || p_S); grad (=, or += unless first) cg (p_S - p_T). */
  private static void forwardKl(float[] z, float[] u, int base, int vocab, RowStats st, RowStats tt, float invT,
      float cg, boolean first, boolean writeGrad, float[] grad, double[] sums) {
    FloatVector sMax = FloatVector.broadcast(SimdRows.F, st.max);
    FloatVector sLogZ = FloatVector.broadcast(SimdRows.F, st.logZ);
    FloatVector tMax = FloatVector.broadcast(SimdRows.F, tt.max);
    FloatVector tLogZ = FloatVector.broadcast(SimdRows.F, tt.logZ);
    FloatVector vt = FloatVector.broadcast(SimdRows.F, invT);
    FloatVector vc = FloatVector.broadcast(SimdRows.F, cg);
    double kl = 0;
    for (int chunk = 0; chunk < vocab; chunk += SimdRows.CHUNK) {
      int end = Math.min(vocab, chunk + SimdRows.CHUNK);
      int upper = chunk + SimdRows.F.loopBound(end - chunk);
      FloatVector acc = FloatVector.zero(SimdRows.F);
      int v = chunk;
      for (; v < upper; v += SimdRows.L) {
        FloatVector a = FloatVector.fromArray(SimdRows.F, z, base + v).sub(sMax).mul(vt).sub(sLogZ)
            .max(SimdRows.LOG_FLOOR);
        FloatVector b = FloatVector.fromArray(SimdRows.F, u, base + v).sub(tMax).mul(vt).sub(tLogZ)
            .max(SimdRows.LOG_FLOOR);
        FloatVector ps = VectorMath.exp(a);
        FloatVector pt = VectorMath.exp(b);
        acc = pt.fma(b.sub(a), acc);
        if (writeGrad) {
          FloatVector g = ps.sub(pt).mul(vc);
          if (!first) {
            g = g.add(FloatVector.fromArray(SimdRows.F, grad, base + v));
          }
          g.intoArray(grad, base + v);
        }
      }
      kl += VectorMath.sum(acc);
      for (; v < end; v++) {
        double a = Math.max(st.logProb(z[base + v], invT), SimdRows.LOG_FLOOR);
        double b = Math.max(tt.logProb(u[base + v], invT), SimdRows.LOG_FLOOR);
        double pt = Math.exp(b);
        kl += pt * (b - a);
        if (writeGrad) {
          float g = (float) (cg * (Math.exp(a) - pt));
          grad[base + v] = first ? g : grad[base + v] + g;
        }
      }
    }
    sums[0] = kl;
  }

  /**
   * beta = 1 (m = p_T): sums[0] = sums[1] = KL(p_S || p_T); grad (=, or += unless first)
   * cg p_S (log p_S - log p_T).
   */
  private static void reverseKl(float[] z, float[] u, int base, int vocab, RowStats st, RowStats tt, float invT,
      float cg, boolean first, boolean writeGrad, float[] grad, double[] sums) {
    FloatVector sMax = FloatVector.broadcast(SimdRows.F, st.max);
    FloatVector sLogZ = FloatVector.broadcast(SimdRows.F, st.logZ);
    FloatVector tMax = FloatVector.broadcast(SimdRows.F, tt.max);
    FloatVector tLogZ = FloatVector.broadcast(SimdRows.F, tt.logZ);
    FloatVector vt = FloatVector.broadcast(SimdRows.F, invT);
    FloatVector vc = FloatVector.broadcast(SimdRows.F, cg);
    double kl = 0;
    for (int chunk = 0; chunk < vocab; chunk += SimdRows.CHUNK) {
      int end = Math.min(vocab, chunk + SimdRows.CHUNK);
      int upper = chunk + SimdRows.F.loopBound(end - chunk);
      FloatVector acc = FloatVector.zero(SimdRows.F);
      int v = chunk;
      for (; v < upper; v += SimdRows.L) {
        FloatVector a = FloatVector.fromArray(SimdRows.F, z, base + v).sub(sMax).mul(vt).sub(sLogZ)
            .max(SimdRows.LOG_FLOOR);
        FloatVector b = FloatVector.fromArray(SimdRows.F, u, base + v).sub(tMax).mul(vt).sub(tLogZ)
            .max(SimdRows.LOG_FLOOR);
        FloatVector term = VectorMath.exp(a).mul(a.sub(b));
        acc = acc.add(term);
        if (writeGrad) {
          FloatVector g = term.mul(vc);
          if (!first) {
            g = g.add(FloatVector.fromArray(SimdRows.F, grad, base + v));
          }
          g.intoArray(grad, base + v);
        }
      }
      kl += VectorMath.sum(acc);
      for (; v < end; v++) {
        double a = Math.max(st.logProb(z[base + v], invT), SimdRows.LOG_FLOOR);
        double b = Math.max(tt.logProb(u[base + v], invT), SimdRows.LOG_FLOOR);
        double term = Math.exp(a) * (a - b);
        kl += term;
        if (writeGrad) {
          float g = (float) (cg * term);
          grad[base + v] = first ? g : grad[base + v] + g;
        }
      }
    }
    sums[0] = kl;
    sums[1] = kl;
  }

  /**
   * beta in (0, 1): with L = log m, sums[0] = jsd, sums[1] = KL(p_S || m); grad (=, or += unless
   * first) cg p_S (log p_S - L). A chunk's probabilities go through {@code scratch} so that no
   * compiled loop holds more than two of the exps and log: C2 stops inlining Vector API calls
   * past a node count, and a loop with three boxes its vectors (see {@link VectorMath}).
   */
  private static void mixture(float[] z, float[] u, int base, int vocab, RowStats st, RowStats tt, float invT,
      float beta, float cg, boolean first, boolean writeGrad, float[] grad, double[] sums, float[][] scratch) {
    float[] ps = scratch[0];
    float[] pt = scratch[1];
    double jsd = 0;
    double kl = 0;
    for (int chunk = 0; chunk < vocab; chunk += SimdRows.CHUNK) {
      int n = Math.min(SimdRows.CHUNK, vocab - chunk);
      SimdRows.probs(z, base + chunk, n, st, invT, ps);
      SimdRows.probs(u, base + chunk, n, tt, invT, pt);
      mixtureTerms(z, u, base + chunk, n, st, tt, invT, beta, cg, first, writeGrad, grad, sums, ps, pt);
      jsd += sums[0];
      kl += sums[1];
    }
    sums[0] = jsd;
    sums[1] = kl;
  }

  /** sums[0], sums[1] = the chunk's jsd and KL(p_S || m), given its probabilities; its gradient written or added. */
  private static void mixtureTerms(float[] z, float[] u, int from, int n, RowStats st, RowStats tt, float invT,
      float beta, float cg, boolean first, boolean writeGrad, float[] grad, double[] sums, float[] ps, float[] pt) {
    FloatVector sMax = FloatVector.broadcast(SimdRows.F, st.max);
    FloatVector sLogZ = FloatVector.broadcast(SimdRows.F, st.logZ);
    FloatVector tMax = FloatVector.broadcast(SimdRows.F, tt.max);
    FloatVector tLogZ = FloatVector.broadcast(SimdRows.F, tt.logZ);
    FloatVector vt = FloatVector.broadcast(SimdRows.F, invT);
    FloatVector vc = FloatVector.broadcast(SimdRows.F, cg);
    FloatVector vBeta = FloatVector.broadcast(SimdRows.F, beta);
    FloatVector vOneMinusBeta = FloatVector.broadcast(SimdRows.F, 1f - beta);
    FloatVector accJ = FloatVector.zero(SimdRows.F);
    FloatVector accK = FloatVector.zero(SimdRows.F);
    int i = 0;
    for (int upper = SimdRows.F.loopBound(n); i < upper; i += SimdRows.L) {
      FloatVector a = FloatVector.fromArray(SimdRows.F, z, from + i).sub(sMax).mul(vt).sub(sLogZ)
          .max(SimdRows.LOG_FLOOR);
      FloatVector b = FloatVector.fromArray(SimdRows.F, u, from + i).sub(tMax).mul(vt).sub(tLogZ)
          .max(SimdRows.LOG_FLOOR);
      FloatVector s = FloatVector.fromArray(SimdRows.F, ps, i);
      FloatVector t = FloatVector.fromArray(SimdRows.F, pt, i);
      FloatVector logM = VectorMath.log(s.mul(vOneMinusBeta).add(t.mul(vBeta)));
      FloatVector studentTerm = s.mul(a.sub(logM));
      accJ = t.mul(b.sub(logM)).fma(vBeta, studentTerm.fma(vOneMinusBeta, accJ));
      accK = accK.add(studentTerm);
      if (writeGrad) {
        FloatVector g = studentTerm.mul(vc);
        if (!first) {
          g = g.add(FloatVector.fromArray(SimdRows.F, grad, from + i));
        }
        g.intoArray(grad, from + i);
      }
    }
    double jsd = VectorMath.sum(accJ);
    double kl = VectorMath.sum(accK);
    for (; i < n; i++) {
      double a = Math.max(st.logProb(z[from + i], invT), SimdRows.LOG_FLOOR);
      double b = Math.max(tt.logProb(u[from + i], invT), SimdRows.LOG_FLOOR);
      double logM = Math.max(Math.log((1 - beta) * ps[i] + beta * pt[i]), SimdRows.LOG_FLOOR);
      double studentTerm = ps[i] * (a - logM);
      jsd += beta * pt[i] * (b - logM) + (1 - beta) * studentTerm;
      kl += studentTerm;
      if (writeGrad) {
        float g = (float) (cg * studentTerm);
        grad[from + i] = first ? g : grad[from + i] + g;
      }
    }
    sums[0] = jsd;
    sums[1] = kl;
  }

  /** grad -= amount p_S over the row. */
  private static void subtractScaledStudent(float[] z, int base, int vocab, RowStats st, float invT, float amount,
      float[] grad) {
    FloatVector sMax = FloatVector.broadcast(SimdRows.F, st.max);
    FloatVector sLogZ = FloatVector.broadcast(SimdRows.F, st.logZ);
    FloatVector vt = FloatVector.broadcast(SimdRows.F, invT);
    FloatVector vAmount = FloatVector.broadcast(SimdRows.F, amount);
    int v = 0;
    int upper = SimdRows.F.loopBound(vocab);
    for (; v < upper; v += SimdRows.L) {
      FloatVector ps = VectorMath.exp(FloatVector.fromArray(SimdRows.F, z, base + v).sub(sMax).mul(vt).sub(sLogZ));
      FloatVector g = FloatVector.fromArray(SimdRows.F, grad, base + v);
      ps.neg().fma(vAmount, g).intoArray(grad, base + v);
    }
    for (; v < vocab; v++) {
      grad[base + v] -= (float) (amount * Math.exp(st.logProb(z[base + v], invT)));
    }
  }
}
