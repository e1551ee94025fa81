package dev.rcsd.kernels;

/**
 * The rubric-weighted advantage loss: one teacher context per rubric criterion, each scoring the
 * student's sampled tokens; their clipped log-ratios, weighted by the criteria, are a per-token
 * advantage for a policy-gradient step. With s and t the student and teacher log-probabilities of
 * {@link TokenLogProbs}:
 *
 * <pre>
 *   advantages[n] = mask_n sum_k w_k clip(t[k, n] - s[n], -a, a)
 *   loss_pg = -sum_n mask_n advantages[n] s[n] / M          (advantages held constant)
 *   d loss_pg / d z_n = -(mask_n advantages[n] / (M T)) (onehot(tokens[n]) - p_S)
 * </pre>
 */
public interface RubricAdvantage {
  /**
   * @param studentLogprobs out [N], or null
   * @param advantages out [N]
   * @param grad out [N, V], d loss_pg / d student_logits
   * @return loss_pg
   */
  double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] advantages, float[] grad);

  /**
   * {@link #compute} on a block of rows ({@link LossBatch.Builder#block}): the per-row outputs span
   * the whole batch ([N]), {@code grad} is the block's [rows, V]; the returned loss is the block's
   * share of the batch's.
   */
  default double computeBlock(LossBatch block, LossParams params, float[] studentLogprobs, float[] advantages,
      float[] grad) {
    BlockOutputs out = new BlockOutputs(block);
    double loss = compute(block, params, out.local("student_logprobs", studentLogprobs, 1),
        out.local("advantages", advantages, 1), grad);
    out.place();
    return loss;
  }

  /** One criterion's share of an advantage: w clip(t - s, -a, a). */
  static double weightedLogRatio(double weight, double t, double s, double clip) {
    return weight * Math.max(-clip, Math.min(clip, t - s));
  }
}
