package dev.rcsd.kernels;

/**
 * GRPO's per-token clipped surrogate with separate low/high clips (DAPO) and the k3 estimator of
 * the KL to a reference policy. With s the student log-prob of {@link TokenLogProbs} and
 * A = seq_advantages:
 *
 * <pre>
 *   rho = exp(s - old)
 *   l   = -min(rho A, clip(rho, 1 - eps_low, 1 + eps_high) A)
 *         + kl_coef (exp(ref - s) - (ref - s) - 1)
 *   loss_grpo = sum_n mask_n l_n / M                       (token mean)
 *   dl/ds = -rho A [rho A &lt;= clip(rho) A] + kl_coef (1 - exp(ref - s))
 *   d loss_grpo / d z_n = (mask_n / (M T)) dl/ds (onehot(tokens[n]) - p_S)
 * </pre>
 *
 * The clip indicator follows PyTorch's subgradients of {@code min} and {@code clamp}: where both
 * sides of the min agree, the ratio is inside the clip range and the gradient passes.
 */
public interface GrpoLoss {
  /**
   * @param studentLogprobs out [N], or null
   * @param grad out [N, V], d loss_grpo / d student_logits
   * @return loss_grpo
   */
  double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] grad);

  /**
   * {@link #compute} on a block of rows ({@link LossBatch.Builder#block}): {@code studentLogprobs}
   * spans the whole batch ([N]), {@code grad} is the block's [rows, V]; the returned loss is the
   * block's share of the batch's.
   */
  default double computeBlock(LossBatch block, LossParams params, float[] studentLogprobs, float[] grad) {
    BlockOutputs out = new BlockOutputs(block);
    double loss = compute(block, params, out.local("student_logprobs", studentLogprobs, 1), grad);
    out.place();
    return loss;
  }

  /** l of one token with student log-prob s, old and ref log-probs and advantage A. */
  static double tokenLoss(double s, double old, double ref, double adv, LossParams p) {
    double rho = Math.exp(s - old);
    double clipped = Math.max(1 - p.epsLow(), Math.min(1 + p.epsHigh(), rho)) * adv;
    double logRatio = ref - s;
    return -Math.min(rho * adv, clipped) + p.klCoef() * (Math.exp(logRatio) - logRatio - 1);
  }

  /** dl/ds of one token, as {@link #tokenLoss}. */
  static double tokenGradient(double s, double old, double ref, double adv, LossParams p) {
    double rho = Math.exp(s - old);
    double unclipped = rho * adv;
    double clipped = Math.max(1 - p.epsLow(), Math.min(1 + p.epsHigh(), rho)) * adv;
    return (unclipped <= clipped ? -unclipped : 0) + p.klCoef() * (1 - Math.exp(ref - s));
  }
}
