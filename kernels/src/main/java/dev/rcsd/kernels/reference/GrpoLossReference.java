package dev.rcsd.kernels.reference;

import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;

/** {@link GrpoLoss} in double precision. */
public final class GrpoLossReference implements GrpoLoss {
  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("grad_grpo", grad, (long) rows * vocab);
    double t = params.temperature();
    double scale = Outputs.rowScale(batch, 1);
    double[] logp = new double[vocab];
    double loss = 0;
    for (int n = 0; n < rows; n++) {
      int base = n * vocab;
      int token = batch.tokens()[n];
      double mask = batch.mask()[n];
      ReferenceRows.logSoftmax(batch.studentLogits(), base, vocab, t, logp);
      double s = logp[token];
      if (studentLogprobs != null) {
        studentLogprobs[n] = (float) s;
      }
      double old = batch.oldLogprobs()[n];
      double ref = batch.refLogprobs()[n];
      double adv = batch.seqAdvantages()[n];
      double l = GrpoLoss.tokenLoss(s, old, ref, adv, params);
      double dlds = GrpoLoss.tokenGradient(s, old, ref, adv, params);
      loss += mask * l;
      double c = mask * dlds * scale / t;
      for (int v = 0; v < vocab; v++) {
        double onehot = v == token ? 1 : 0;
        grad[base + v] = (float) (c * (onehot - Math.exp(logp[v])));
      }
    }
    return loss * scale;
  }
}
