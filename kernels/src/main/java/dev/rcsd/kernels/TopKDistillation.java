package dev.rcsd.kernels;

/**
 * RCSD's released loss: forward KL restricted to the teacher's top-k, with a per-entry clip.
 *
 * <p>Per row n and teacher context k, S = the k largest teacher logits (ties broken towards the
 * lower id; all of the vocabulary when k &gt;= V), and over S only, with x = z/T, y = u_k/T:
 *
 * <pre>
 *   q_T = softmax(y restricted to S),  q_S = softmax(x restricted to S)
 *   term(v) = q_T(v) (log q_T(v) - log q_S(v))           (0 where q_T(v) = 0)
 *   topk_kl[k, n] = sum_{v in S} min(c, term(v))
 *   loss_topk = sum_k sum_n mask_n topk_kl[k, n] / (K M)
 * </pre>
 *
 * A clipped entry (term(v) &gt; c) passes no gradient. With A = the unclipped entries of S, the
 * gradient with respect to z_w, scaled by mask_n / (K M T), is
 *
 * <pre>
 *   w in S:      -q_T(w) [w in A] + q_S(w) sum_{v in A} q_T(v)
 *   w not in S:  0
 * </pre>
 */
public interface TopKDistillation {
  /**
   * @param studentLogprobs out [N] (over the full vocabulary), or null to skip that pass
   * @param topkKl out [K, N]
   * @param grad out [N, V], d loss_topk / d student_logits
   * @return loss_topk
   */
  double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] topkKl, float[] grad);

  /**
   * {@link #compute} on a block of rows ({@link LossBatch.Builder#block}): the per-row outputs span
   * the whole batch ([N], [K, N]), {@code grad} is the block's [rows, V]; the returned loss is the
   * block's share of the batch's.
   */
  default double computeBlock(LossBatch block, LossParams params, float[] studentLogprobs, float[] topkKl,
      float[] grad) {
    BlockOutputs out = new BlockOutputs(block);
    double loss = compute(block, params, out.local("student_logprobs", studentLogprobs, 1),
        out.local("topk_kl", topkKl, block.contexts()), grad);
    out.place();
    return loss;
  }
}
