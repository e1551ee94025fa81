package dev.rcsd.engine.sample;

/**
 * One sampled completion.
 *
 * @param tokens the new tokens, the stop token included when one ended it
 * @param logprobs log p(token) under the policy at the sampling temperature over the whole
 *     vocabulary (before top-k/top-p), one per token: what GRPO's ratio needs as old log-probs
 * @param finished ended with a stop token rather than the length limit
 */
public record Completion(int[] tokens, float[] logprobs, boolean finished) {}
