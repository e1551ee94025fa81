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
public final class GrpoLossSimd implements GrpoLoss {
  private final RowParallel parallel;

  GrpoLossSimd(RowParallel parallel) {
    this.parallel = parallel;
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("grad_grpo", grad, (long) rows * vocab);
    float invT = 1f / params.temperature();
    double scale = Outputs.rowScale(batch, 1);
    float[] z = batch.studentLogits(); // [N, V]
    float[] old = batch.oldLogprobs(); // [N]
    float[] ref = batch.refLogprobs(); // [N]
    float[] adv = batch.seqAdvantages(); // [N]
    double[] rowLoss = new double[rows]; // [N]
    parallel.forEachBlock(rows, (from, to) -> {
      RowStats st = new RowStats();
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
    });
    return SimdRows.sum(rowLoss) * scale;
  }
}
