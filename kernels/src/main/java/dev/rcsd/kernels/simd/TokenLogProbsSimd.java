package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TokenLogProbs;

/** {@link TokenLogProbs}: one chunked online log-sum-exp pass per student and teacher row. */
public final class TokenLogProbsSimd extends RowKernel implements TokenLogProbs {
  // the running call's arguments (compute is synchronized: one call at a time per backend)
  private LossBatch batch;
  private float invT;
  private float[] studentLogprobs;
  private float[] studentEntropy;
  private float[] teacherLogprobs;

  TokenLogProbsSimd(RowParallel parallel) {
    super(parallel);
  }

  @Override
  public synchronized void compute(LossBatch batch, float temperature, float[] studentLogprobs,
      float[] studentEntropy, float[] teacherLogprobs) {
    int rows = batch.rows();
    Outputs.require("student_logprobs", studentLogprobs, rows);
    Outputs.optional("student_entropy", studentEntropy, rows);
    Outputs.optional("teacher_logprobs", teacherLogprobs, (long) batch.contexts() * rows);
    this.batch = batch;
    this.invT = 1f / temperature;
    this.studentLogprobs = studentLogprobs;
    this.studentEntropy = studentEntropy;
    this.teacherLogprobs = teacherLogprobs;
    runRows(rows, 0);
  }

  @Override
  protected void clearCall() {
    batch = null;
    studentLogprobs = studentEntropy = teacherLogprobs = null;
  }

  @Override
  protected void rows(int from, int to) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    float[] z = batch.studentLogits(); // [N, V]
    int[] tokens = batch.tokens(); // [N]
    RowStats st = Scratch.ofThread().student;
    for (int n = from; n < to; n++) {
      int base = n * vocab;
      SimdRows.stats(z, base, vocab, invT, studentEntropy != null, st);
      studentLogprobs[n] = st.logProb(z[base + tokens[n]], invT);
      if (studentEntropy != null) {
        studentEntropy[n] = st.entropy;
      }
      if (teacherLogprobs != null) {
        for (int k = 0; k < batch.contexts(); k++) {
          float[] u = batch.teacherLogits()[k]; // [N, V]
          SimdRows.stats(u, base, vocab, invT, false, st);
          teacherLogprobs[k * rows + n] = st.logProb(u[base + tokens[n]], invT);
        }
      }
    }
  }
}
