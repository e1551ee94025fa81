package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TokenLogProbs;

/** {@link TokenLogProbs}: one chunked online log-sum-exp pass per student and teacher row. */
public final class TokenLogProbsSimd implements TokenLogProbs {
  private final RowParallel parallel;

  TokenLogProbsSimd(RowParallel parallel) {
    this.parallel = parallel;
  }

  @Override
  public void compute(LossBatch batch, float temperature, float[] studentLogprobs, float[] studentEntropy,
      float[] teacherLogprobs) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = batch.contexts();
    Outputs.require("student_logprobs", studentLogprobs, rows);
    Outputs.optional("student_entropy", studentEntropy, rows);
    Outputs.optional("teacher_logprobs", teacherLogprobs, (long) contexts * rows);
    float invT = 1f / temperature;
    float[] z = batch.studentLogits(); // [N, V]
    int[] tokens = batch.tokens(); // [N]
    parallel.forEachBlock(rows, (from, to) -> {
      RowStats st = new RowStats();
      for (int n = from; n < to; n++) {
        int base = n * vocab;
        SimdRows.stats(z, base, vocab, invT, studentEntropy != null, st);
        studentLogprobs[n] = st.logProb(z[base + tokens[n]], invT);
        if (studentEntropy != null) {
          studentEntropy[n] = st.entropy;
        }
        if (teacherLogprobs != null) {
          for (int k = 0; k < contexts; k++) {
            float[] u = batch.teacherLogits()[k]; // [N, V]
            SimdRows.stats(u, base, vocab, invT, false, st);
            teacherLogprobs[k * rows + n] = st.logProb(u[base + tokens[n]], invT);
          }
        }
      }
    });
  }
}
