package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.RubricAdvantage;

/**
 * {@link RubricAdvantage}, fused per row: one log-sum-exp pass over the student row (leaving its
 * exponentials in the gradient row) and over each teacher row gives s and t; the advantage is
 * scalar; the gradient row is then scaled in place. The logits are read once each.
 */
public final class RubricAdvantageSimd extends RowKernel implements RubricAdvantage {
  // the running call's arguments (compute is synchronized: one call at a time per backend)
  private LossBatch batch;
  private LossParams params;
  private float[] studentLogprobs;
  private float[] advantages;
  private float[] grad;

  RubricAdvantageSimd(RowParallel parallel) {
    super(parallel);
  }

  @Override
  public synchronized double compute(LossBatch batch, LossParams params, float[] studentLogprobs,
      float[] advantages, float[] grad) {
    int rows = batch.rows();
    batch.teacherLogits(); // refuses a batch without teachers before any work
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("advantages", advantages, rows);
    Outputs.require("grad_pg", grad, (long) rows * batch.vocab());
    this.batch = batch;
    this.params = params;
    this.studentLogprobs = studentLogprobs;
    this.advantages = advantages;
    this.grad = grad;
    return runRows(rows, Outputs.rowScale(batch, 1));
  }

  @Override
  protected void clearCall() {
    batch = null;
    studentLogprobs = advantages = grad = null;
  }

  @Override
  protected void rows(int from, int to) {
    int vocab = batch.vocab();
    float[][] teachers = batch.teacherLogits(); // [K][N, V]
    float invT = 1f / params.temperature();
    double clip = params.advClip();
    float[] z = batch.studentLogits(); // [N, V]
    float[] w = batch.criterionWeights(); // [K]
    Scratch scratch = Scratch.ofThread();
    RowStats st = scratch.student;
    RowStats teacher = scratch.teacher;
    for (int n = from; n < to; n++) {
      int base = n * vocab;
      int token = batch.tokens()[n];
      double mask = batch.mask()[n];
      // masked rows only need s; the others keep their exponentials in the gradient row
      if (mask == 0) {
        SimdRows.stats(z, base, vocab, invT, false, st);
      } else {
        SimdRows.statsStoring(z, base, vocab, invT, st, grad, base);
      }
      float s = st.logProb(z[base + token], invT);
      double adv = 0;
      for (int k = 0; k < teachers.length; k++) {
        SimdRows.stats(teachers[k], base, vocab, invT, false, teacher);
        adv += RubricAdvantage.weightedLogRatio(w[k], teacher.logProb(teachers[k][base + token], invT), s, clip);
      }
      adv *= mask;
      if (studentLogprobs != null) {
        studentLogprobs[n] = s;
      }
      advantages[n] = (float) adv;
      rowLoss[n] = -mask * adv * s;
      float c = (float) (-mask * adv * scale * invT);
      SimdRows.scaleStoredTokenGrad(st, invT, mask == 0 ? 0f : c, token, grad, base, vocab);
    }
  }
}
