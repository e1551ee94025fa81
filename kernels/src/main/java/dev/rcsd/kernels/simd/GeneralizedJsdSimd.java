package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import jdk.incubator.vector.FloatVector;

/**
 * {@link GeneralizedJsd}, fused per row n:
 *
 * <pre>
 *   pass 1   student row, each teacher row -> max, log Z; their exponentials kept in two rows of
 *            per-thread scratch (the teacher's only when beta &lt; 1)
 *   pass 2   per context k, elementwise    -> jsd[k, n], KL_k = KL(p_S || m_k) and
 *            grad  = sum_k c gamma p_S (log p_S - log m_k)        (beta = 0: c (p_S - p_T))
 *   pass 3   stored student exponentials   -> grad -= p_S sum_k c gamma KL_k   (beta &gt; 0 only)
 * </pre>
 *
 * with c = mask_n / (K M T), gamma = 1 - beta (1 when beta = 1, where m = p_T). Probabilities are
 * the stored exponentials times one factor per chunk ({@link SimdRows#chunkScale}), log p comes from
 * the logits, so an element costs one exponential per distribution and, for beta in (0, 1), the
 * log of the mixture. Logs are clamped to {@link SimdRows#LOG_FLOOR} so that padding (p = 0)
 * contributes exactly 0.
 */
public final class GeneralizedJsdSimd extends RowKernel implements GeneralizedJsd {
  private static final int CHUNK = SimdRows.CHUNK;
  private static final FloatVector FLOOR = FloatVector.broadcast(SimdRows.F, SimdRows.LOG_FLOOR);

  // the running call's arguments (compute is synchronized: one call at a time per backend)
  private LossBatch batch;
  private LossParams params;
  private float[] studentLogprobs;
  private float[] jsd;
  private float[] grad;

  GeneralizedJsdSimd(RowParallel parallel) {
    super(parallel);
  }

  @Override
  public synchronized double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] jsd,
      float[] grad) {
    int rows = batch.rows();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("jsd", jsd, (long) contexts * rows);
    Outputs.require("grad_jsd", grad, (long) rows * batch.vocab());
    this.batch = batch;
    this.params = params;
    this.studentLogprobs = studentLogprobs;
    this.jsd = jsd;
    this.grad = grad;
    return runRows(rows, Outputs.rowScale(batch, contexts));
  }

  @Override
  protected void clearCall() {
    batch = null;
    studentLogprobs = jsd = grad = null;
  }

  @Override
  protected void rows(int from, int to) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    float[][] teachers = batch.teacherLogits(); // [K][N, V]
    float[] z = batch.studentLogits(); // [N, V]
    float invT = 1f / params.temperature();
    float beta = params.jsdBeta();
    float gamma = beta == 1f ? 1f : 1f - beta;
    Scratch scratch = Scratch.ofThread();
    RowStats st = scratch.student;
    RowStats tt = scratch.teacher;
    double[] sums = scratch.sums; // jsd, KL(p_S || m) of the context being summed
    float[] es = scratch.studentExps(vocab); // [V]
    float[] et = scratch.teacherExps(vocab); // [V]
    RowChunk a = scratch.chunk;
    for (int n = from; n < to; n++) {
      int base = n * vocab;
      SimdRows.statsStoring(z, base, vocab, invT, st, es, 0);
      if (studentLogprobs != null) {
        studentLogprobs[n] = st.logProb(z[base + batch.tokens()[n]], invT);
      }
      double mask = batch.mask()[n];
      float c = (float) (mask * scale * invT);
      boolean writeGrad = c != 0f;
      float cg = writeGrad ? c * gamma : 0f;
      double correction = 0;
      double loss = 0;
      for (int k = 0; k < teachers.length; k++) {
        float[] u = teachers[k];
        if (beta == 1f) {
          SimdRows.stats(u, base, vocab, invT, false, tt);
        } else {
          SimdRows.statsStoring(u, base, vocab, invT, tt, et, 0);
        }
        double jsdSum = 0;
        double klSum = 0;
        for (int ch = 0, i = 0; ch < vocab; ch += CHUNK, i++) {
          int len = Math.min(CHUNK, vocab - ch);
          float sS = (float) SimdRows.chunkScale(st, i, invT);
          float sT = beta == 1f ? 0f : (float) SimdRows.chunkScale(tt, i, invT);
          a.of(z, u, base + ch, es, et, ch, len, st, tt, invT, sS, sT, cg, k == 0, writeGrad);
          if (beta == 0f) {
            forwardKl(a, grad, sums);
          } else if (beta == 1f) {
            reverseKl(a, grad, sums);
          } else {
            mixture(a, beta, grad, sums);
          }
          jsdSum += sums[0];
          klSum += sums[1];
        }
        if (beta != 0f) {
          correction += c * gamma * klSum;
        }
        jsd[k * rows + n] = (float) jsdSum;
        loss += mask * jsdSum;
      }
      if (!writeGrad) {
        java.util.Arrays.fill(grad, base, base + vocab, 0f);
      } else if (beta != 0f) {
        subtractScaledStudent(es, st, invT, vocab, (float) correction, grad, base);
      }
      rowLoss[n] = loss;
    }
  }

  /** beta = 0: sums[0] = KL(p_T || p_S) of the chunk; grad cg (p_S - p_T). */
  private static void forwardKl(RowChunk c, float[] grad, double[] sums) {
    FloatVector sMax = FloatVector.broadcast(SimdRows.F, c.st.max);
    FloatVector sNegLogZ = FloatVector.broadcast(SimdRows.F, -c.st.logZ);
    FloatVector tMax = FloatVector.broadcast(SimdRows.F, c.tt.max);
    FloatVector tNegLogZ = FloatVector.broadcast(SimdRows.F, -c.tt.logZ);
    FloatVector vt = FloatVector.broadcast(SimdRows.F, c.invT);
    FloatVector vc = FloatVector.broadcast(SimdRows.F, c.cg);
    FloatVector vsS = FloatVector.broadcast(SimdRows.F, c.sS);
    FloatVector vsT = FloatVector.broadcast(SimdRows.F, c.sT);
    FloatVector acc = FloatVector.zero(SimdRows.F);
    int i = 0;
    for (int upper = SimdRows.F.loopBound(c.len); i < upper; i += SimdRows.L) {
      FloatVector a = FloatVector.fromArray(SimdRows.F, c.z, c.from + i).sub(sMax).fma(vt, sNegLogZ).max(FLOOR);
      FloatVector b = FloatVector.fromArray(SimdRows.F, c.u, c.from + i).sub(tMax).fma(vt, tNegLogZ).max(FLOOR);
      FloatVector ps = FloatVector.fromArray(SimdRows.F, c.es, c.at + i).mul(vsS);
      FloatVector pt = FloatVector.fromArray(SimdRows.F, c.et, c.at + i).mul(vsT);
      acc = pt.fma(b.sub(a), acc);
      if (c.writeGrad) {
        FloatVector g = ps.sub(pt).mul(vc);
        if (!c.first) {
          g = g.add(FloatVector.fromArray(SimdRows.F, grad, c.from + i));
        }
        g.intoArray(grad, c.from + i);
      }
    }
    float[] lanes = VectorMath.lanes();
    acc.intoArray(lanes, 0);
    double kl = VectorMath.sum(lanes);
    for (; i < c.len; i++) {
      double a = Math.max(c.st.logProb(c.z[c.from + i], c.invT), SimdRows.LOG_FLOOR);
      double b = Math.max(c.tt.logProb(c.u[c.from + i], c.invT), SimdRows.LOG_FLOOR);
      float ps = c.es[c.at + i] * c.sS;
      float pt = c.et[c.at + i] * c.sT;
      kl += pt * (b - a);
      if (c.writeGrad) {
        float g = (ps - pt) * c.cg;
        grad[c.from + i] = c.first ? g : grad[c.from + i] + g;
      }
    }
    sums[0] = kl;
    sums[1] = 0;
  }

  /** beta = 1 (m = p_T): sums[0] = sums[1] = KL(p_S || p_T) of the chunk; grad cg p_S (log p_S - log p_T). */
  private static void reverseKl(RowChunk c, float[] grad, double[] sums) {
    FloatVector sMax = FloatVector.broadcast(SimdRows.F, c.st.max);
    FloatVector sNegLogZ = FloatVector.broadcast(SimdRows.F, -c.st.logZ);
    FloatVector tMax = FloatVector.broadcast(SimdRows.F, c.tt.max);
    FloatVector tNegLogZ = FloatVector.broadcast(SimdRows.F, -c.tt.logZ);
    FloatVector vt = FloatVector.broadcast(SimdRows.F, c.invT);
    FloatVector vc = FloatVector.broadcast(SimdRows.F, c.cg);
    FloatVector vsS = FloatVector.broadcast(SimdRows.F, c.sS);
    FloatVector acc = FloatVector.zero(SimdRows.F);
    int i = 0;
    for (int upper = SimdRows.F.loopBound(c.len); i < upper; i += SimdRows.L) {
      FloatVector a = FloatVector.fromArray(SimdRows.F, c.z, c.from + i).sub(sMax).fma(vt, sNegLogZ).max(FLOOR);
      FloatVector b = FloatVector.fromArray(SimdRows.F, c.u, c.from + i).sub(tMax).fma(vt, tNegLogZ).max(FLOOR);
      FloatVector term = FloatVector.fromArray(SimdRows.F, c.es, c.at + i).mul(vsS).mul(a.sub(b));
      acc = acc.add(term);
      if (c.writeGrad) {
        FloatVector g = term.mul(vc);
        if (!c.first) {
          g = g.add(FloatVector.fromArray(SimdRows.F, grad, c.from + i));
        }
        g.intoArray(grad, c.from + i);
      }
    }
    float[] lanes = VectorMath.lanes();
    acc.intoArray(lanes, 0);
    double kl = VectorMath.sum(lanes);
    for (; i < c.len; i++) {
      double a = Math.max(c.st.logProb(c.z[c.from + i], c.invT), SimdRows.LOG_FLOOR);
      double b = Math.max(c.tt.logProb(c.u[c.from + i], c.invT), SimdRows.LOG_FLOOR);
      double term = c.es[c.at + i] * c.sS * (a - b);
      kl += term;
      if (c.writeGrad) {
        float g = (float) (c.cg * term);
        grad[c.from + i] = c.first ? g : grad[c.from + i] + g;
      }
    }
    sums[0] = kl;
    sums[1] = kl;
  }

  /**
   * beta in (0, 1): with L = log m, sums[0] = the chunk's jsd, sums[1] = its KL(p_S || m); grad
   * cg p_S (log p_S - L). One log per element, the only transcendental of the loop; the chunk
   * factors multiply the lane sums once, after the loop.
   */
  private static void mixture(RowChunk c, float beta, float[] grad, double[] sums) {
    FloatVector sMax = FloatVector.broadcast(SimdRows.F, c.st.max);
    FloatVector sNegLogZ = FloatVector.broadcast(SimdRows.F, -c.st.logZ);
    FloatVector tMax = FloatVector.broadcast(SimdRows.F, c.tt.max);
    FloatVector tNegLogZ = FloatVector.broadcast(SimdRows.F, -c.tt.logZ);
    FloatVector vt = FloatVector.broadcast(SimdRows.F, c.invT);
    // the mixture's weights folded into the chunk factors: (1 - beta) p_S and beta p_T
    FloatVector wS = FloatVector.broadcast(SimdRows.F, (1f - beta) * c.sS);
    FloatVector wT = FloatVector.broadcast(SimdRows.F, beta * c.sT);
    FloatVector vg = FloatVector.broadcast(SimdRows.F, c.cg * c.sS);
    FloatVector accS = FloatVector.zero(SimdRows.F); // sum e (log p_S - L)
    FloatVector accT = FloatVector.zero(SimdRows.F); // sum f (log p_T - L)
    int i = 0;
    for (int upper = SimdRows.F.loopBound(c.len); i < upper; i += SimdRows.L) {
      FloatVector a = FloatVector.fromArray(SimdRows.F, c.z, c.from + i).sub(sMax).fma(vt, sNegLogZ).max(FLOOR);
      FloatVector b = FloatVector.fromArray(SimdRows.F, c.u, c.from + i).sub(tMax).fma(vt, tNegLogZ).max(FLOOR);
      FloatVector e = FloatVector.fromArray(SimdRows.F, c.es, c.at + i);
      FloatVector f = FloatVector.fromArray(SimdRows.F, c.et, c.at + i);
      FloatVector logM = VectorMath.log(e.fma(wS, f.mul(wT)));
      FloatVector d = a.sub(logM);
      accS = e.fma(d, accS);
      accT = f.fma(b.sub(logM), accT);
      if (c.writeGrad) {
        FloatVector g = e.mul(d).mul(vg);
        if (!c.first) {
          g = g.add(FloatVector.fromArray(SimdRows.F, grad, c.from + i));
        }
        g.intoArray(grad, c.from + i);
      }
    }
    float[] lanes = VectorMath.lanes();
    accS.intoArray(lanes, 0);
    double kl = c.sS * VectorMath.sum(lanes);
    accT.intoArray(lanes, 0);
    double teacherTerm = c.sT * VectorMath.sum(lanes);
    for (; i < c.len; i++) {
      double a = Math.max(c.st.logProb(c.z[c.from + i], c.invT), SimdRows.LOG_FLOOR);
      double b = Math.max(c.tt.logProb(c.u[c.from + i], c.invT), SimdRows.LOG_FLOOR);
      double ps = c.es[c.at + i] * c.sS;
      double pt = c.et[c.at + i] * c.sT;
      double logM = Math.max(Math.log((1 - beta) * ps + beta * pt), SimdRows.LOG_FLOOR);
      double studentTerm = ps * (a - logM);
      teacherTerm += pt * (b - logM);
      kl += studentTerm;
      if (c.writeGrad) {
        float g = (float) (c.cg * studentTerm);
        grad[c.from + i] = c.first ? g : grad[c.from + i] + g;
      }
    }
    sums[0] = beta * teacherTerm + (1 - beta) * kl;
    sums[1] = kl;
  }

  /** grad[base, base + vocab) -= amount p_S, p_S from the stored exponentials. */
  private static void subtractScaledStudent(float[] es, RowStats st, float invT, int vocab, float amount,
      float[] grad, int base) {
    for (int ch = 0, k = 0; ch < vocab; ch += CHUNK, k++) {
      int len = Math.min(CHUNK, vocab - ch);
      float f = (float) (amount * SimdRows.chunkScale(st, k, invT));
      FloatVector vf = FloatVector.broadcast(SimdRows.F, f);
      int i = 0;
      for (int upper = SimdRows.F.loopBound(len); i < upper; i += SimdRows.L) {
        FloatVector g = FloatVector.fromArray(SimdRows.F, grad, base + ch + i);
        FloatVector.fromArray(SimdRows.F, es, ch + i).neg().fma(vf, g).intoArray(grad, base + ch + i);
      }
      for (; i < len; i++) {
        grad[base + ch + i] -= es[ch + i] * f;
      }
    }
  }
}
