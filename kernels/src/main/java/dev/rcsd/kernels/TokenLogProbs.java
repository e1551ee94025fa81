package dev.rcsd.kernels;

/**
 * Per-token log-probabilities and entropy, with x = z / T:
 *
 * <pre>
 *   student_logprobs[n]    = x_n[tokens[n]] - logsumexp(x_n)
 *   student_entropy[n]     = -sum_v p_n(v) log p_n(v),  p_n = softmax(x_n)
 *   teacher_logprobs[k, n] = y_kn[tokens[n]] - logsumexp(y_kn),  y = teacher_logits / T
 * </pre>
 *
 * Padding logits of -inf contribute p = 0 and nothing to the entropy.
 */
public interface TokenLogProbs {
  /**
   * @param studentLogprobs out [N]
   * @param studentEntropy out [N], or null
   * @param teacherLogprobs out [K, N], or null; K may be 0
   */
  void compute(LossBatch batch, float temperature, float[] studentLogprobs, float[] studentEntropy,
      float[] teacherLogprobs);

  /**
   * {@link #compute} on a block of rows ({@link LossBatch.Builder#block}): the outputs span the
   * whole batch ([N] and [K, N] with N = {@link LossBatch#batchRows()}); the block's rows are written.
   */
  default void computeBlock(LossBatch block, float temperature, float[] studentLogprobs, float[] studentEntropy,
      float[] teacherLogprobs) {
    BlockOutputs out = new BlockOutputs(block);
    compute(block, temperature, out.local("student_logprobs", studentLogprobs, 1),
        out.local("student_entropy", studentEntropy, 1),
        out.local("teacher_logprobs", teacherLogprobs, block.contexts()));
    out.place();
  }
}
