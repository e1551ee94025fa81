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
}
