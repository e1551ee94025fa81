package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;

/**
 * {@link GrpoLoss}, fused per row: pass 1 reads the student row once, finding its log-sum-exp (and
 * s) and leaving each exponential in the gradient row; the token's loss and dl/ds are scalar; pass
 * 2 scales the gradient row in place to dl/ds (onehot - p). One exponential per element.
 */
public final class GrpoLossSimd extends RowKernel implements GrpoLoss {
  // the running call's arguments (compute is synchronized: one call at a time per backend)
  private LossBatch batch;
  private LossParams params;
  private float[] studentLogprobs;
  private float[] grad;

  GrpoLossSimd(RowParallel parallel) {
    super(parallel);
  }

  @Override
  public synchronized double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] grad) {
    int rows = batch.rows();
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("grad_grpo", grad, (long) rows * batch.vocab());
    this.batch = batch;
    this.params = params;
    this.studentLogprobs = studentLogprobs;
    this.grad = grad;
    return runRows(rows, Outputs.rowScale(batch, 1));
  }

  @Override
  protected void clearCall() {
    batch = null;
    studentLogprobs = grad = null;
  }

  @Override
  protected void rows(int from, int to) {
    int vocab = batch.vocab();
    float invT = 1f / params.temperature();
    float[] z = batch.studentLogits(); // [N, V]
    float[] old = batch.oldLogprobs(); // [N]
    float[] ref = batch.refLogprobs(); // [N]
    float[] adv = batch.seqAdvantages(); // [N]
    RowStats st = Scratch.ofThread().student;
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
      if (studentLogprobs != null) {
        studentLogprobs[n] = s;
      }
      rowLoss[n] = mask * GrpoLoss.tokenLoss(s, old[n], ref[n], adv[n], params);
      double dlds = GrpoLoss.tokenGradient(s, old[n], ref[n], adv[n], params);
      float c = (float) (mask * dlds * scale * invT);
      SimdRows.scaleStoredTokenGrad(st, invT, mask == 0 ? 0f : c, token, grad, base, vocab);
    }
  }
}
