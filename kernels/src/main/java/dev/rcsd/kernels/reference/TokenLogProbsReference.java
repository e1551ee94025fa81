package dev.rcsd.kernels.reference;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TokenLogProbs;

/** {@link TokenLogProbs} in double precision, one row at a time. */
public final class TokenLogProbsReference implements TokenLogProbs {
  @Override
  public void compute(LossBatch batch, float temperature, float[] studentLogprobs, float[] studentEntropy,
      float[] teacherLogprobs) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = batch.contexts();
    Outputs.require("student_logprobs", studentLogprobs, rows);
    Outputs.optional("student_entropy", studentEntropy, rows);
    Outputs.optional("teacher_logprobs", teacherLogprobs, (long) contexts * rows);
    double[] logp = new double[vocab];
    int[] tokens = batch.tokens();
    for (int n = 0; n < rows; n++) {
      ReferenceRows.logSoftmax(batch.studentLogits(), n * vocab, vocab, temperature, logp);
      studentLogprobs[n] = (float) logp[tokens[n]];
      if (studentEntropy != null) {
        studentEntropy[n] = (float) ReferenceRows.entropy(logp, vocab);
      }
    }
    if (teacherLogprobs != null) {
      for (int k = 0; k < contexts; k++) {
        for (int n = 0; n < rows; n++) {
          ReferenceRows.logSoftmax(batch.teacherLogits()[k], n * vocab, vocab, temperature, logp);
          teacherLogprobs[k * rows + n] = (float) logp[tokens[n]];
        }
      }
    }
  }
}
