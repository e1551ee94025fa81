package dev.rcsd.kernels;

/**
 * Generalized Jensen-Shannon divergence, exactly as TRL's {@code generalized_jsd_loss}, per row n
 * and teacher context k, over the full vocabulary with p_S = softmax(z/T), p_T = softmax(u_k/T):
 *
 * <pre>
 *   beta = 0:  jsd = KL(p_T || p_S)
 *   beta = 1:  jsd = KL(p_S || p_T)
 *   else:      m = (1 - beta) p_S + beta p_T
 *              jsd = beta KL(p_T || m) + (1 - beta) KL(p_S || m)
 *   loss_jsd = sum_k sum_n mask_n jsd[k, n] / (K M)
 * </pre>
 *
 * The gradient with respect to the student logits, per (k, n), scaled by mask_n / (K M T):
 *
 * <pre>
 *   beta = 0:  p_S - p_T
 *   beta = 1:  p_S (log p_S - log p_T - KL(p_S || p_T))
 *   else:      (1 - beta) p_S (log p_S - log m - KL(p_S || m))
 * </pre>
 *
 * Padding ids must be -inf in both distributions; where one side has mass and the other has none a
 * KL is +inf and its gradient is undefined.
 */
public interface GeneralizedJsd {
  /**
   * @param studentLogprobs out [N], or null
   * @param jsd out [K, N]
   * @param grad out [N, V], d loss_jsd / d student_logits
   * @return loss_jsd
   */
  double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] jsd, float[] grad);

  /**
   * {@link #compute} on a block of rows ({@link LossBatch.Builder#block}): the per-row outputs span
   * the whole batch ([N], [K, N]), {@code grad} is the block's [rows, V]; the returned loss is the
   * block's share of the batch's.
   */
  default double computeBlock(LossBatch block, LossParams params, float[] studentLogprobs, float[] jsd,
      float[] grad) {
    BlockOutputs out = new BlockOutputs(block);
    double loss = compute(block, params, out.local("student_logprobs", studentLogprobs, 1),
        out.local("jsd", jsd, block.contexts()), grad);
    out.place();
    return loss;
  }
}
