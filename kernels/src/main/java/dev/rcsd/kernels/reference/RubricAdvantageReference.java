package dev.rcsd.kernels.reference;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.RubricAdvantage;

/** {@link RubricAdvantage} in double precision. */
public final class RubricAdvantageReference implements RubricAdvantage {
  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] advantages,
      float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("advantages", advantages, rows);
    Outputs.require("grad_pg", grad, (long) rows * vocab);
    double t = params.temperature();
    double clip = params.advClip();
    double scale = Outputs.rowScale(batch, 1);
    float[] w = batch.criterionWeights();
    double[] logp = new double[vocab];
    double[] teacher = new double[vocab];
    double loss = 0;
    for (int n = 0; n < rows; n++) {
      int base = n * vocab;
      int token = batch.tokens()[n];
      double mask = batch.mask()[n];
      ReferenceRows.logSoftmax(batch.studentLogits(), base, vocab, t, logp);
      double s = logp[token];
      double adv = 0;
      for (int k = 0; k < contexts; k++) {
        ReferenceRows.logSoftmax(batch.teacherLogits()[k], base, vocab, t, teacher);
        adv += RubricAdvantage.weightedLogRatio(w[k], teacher[token], s, clip);
      }
      adv *= mask;
      if (studentLogprobs != null) {
        studentLogprobs[n] = (float) s;
      }
      advantages[n] = (float) adv;
      loss -= mask * adv * s;
      double c = -mask * adv * scale / t;
      for (int v = 0; v < vocab; v++) {
        double onehot = v == token ? 1 : 0;
        grad[base + v] = (float) (c * (onehot - Math.exp(logp[v])));
      }
    }
    return loss * scale;
  }
}
