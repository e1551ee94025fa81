package dev.rcsd.engine.sample;

import java.util.Set;

/**
 * How to sample completions.
 *
 * @param temperature softmax temperature; 0 means greedy
 * @param topK keep the k most likely tokens (0: all)
 * @param topP keep the smallest set of tokens whose probability reaches p (1: all)
 * @param maxNewTokens completion length limit
 * @param stopTokens a completion ends with the first of these it emits (which it keeps)
 * @param seed the same seed, model and prompts give the same completions
 */
public record SamplingSettings(float temperature, int topK, float topP, int maxNewTokens, Set<Integer> stopTokens,
    long seed) {
  public SamplingSettings {
    if (!(temperature >= 0) || !Float.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature = " + temperature + " must be finite and >= 0");
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top_k = " + topK + " must be >= 0");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p = " + topP + " must be in (0, 1]");
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max_new_tokens = " + maxNewTokens + " must be >= 1");
    }
    stopTokens = Set.copyOf(stopTokens);
  }

  public SamplingSettings withSeed(long s) {
    return new SamplingSettings(temperature, topK, topP, maxNewTokens, stopTokens, s);
  }

  public SamplingSettings withMaxNewTokens(int n) {
    return new SamplingSettings(temperature, topK, topP, n, stopTokens, seed);
  }
}
