package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.AdamWSettings;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.simd.SimdBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sign of an update, end to end (rollouts, kernel, gradient injection, AdamW): GRPO makes the
 * completion that was rewarded more likely and the one that was not less likely.
 */
class UpdateDirectionTest {
  static final ModelConfig CONFIG = new ModelConfig("qwen3", 13, 16, 32, 1, 2, 1, 8, 10000.0, 1e-6, true, false, true,
      64, 1, 2);
  static final int[] PROMPT = {1, 4, 7};

  /** log p(token | prompt) under the model, at the position after the prompt. */
  static double logProb(PolicyModel m, int token) {
    float[] logits = m.logits(PROMPT);
    int v = CONFIG.vocabSize();
    return dev.rcsd.engine.LogSoftmax.logProb(logits, (PROMPT.length - 1) * v, v, token);
  }

  static Rollout rollout(PolicyModel m, int token, float reward) {
    Rollout.Builder r = Rollout.newBuilder().setGroupId(0).setReward(reward).addCompletionTokens(token)
        .addSamplingLogprobs((float) logProb(m, token));
    for (int t : PROMPT) {
      r.addPromptTokens(t);
    }
    return r.build();
  }

  @Test
  void grpoRaisesTheRewardedCompletionAndLowersTheOther() {
    RunConfig c = TinyRuns.resolve("grpo", 1, Map.of());
    try (PolicyModel m = PolicyModel.random(CONFIG, 3);
        AdamW opt = new AdamW(m.block(), m.manager(), AdamWSettings.DEFAULTS);
        KernelBackend kernels = new SimdBackend(1)) {
      double good = logProb(m, 5);
      double bad = logProb(m, 9);
      List<Rollout> scored = List.of(rollout(m, 5, 1f), rollout(m, 9, 0f));
      for (int step = 0; step < 3; step++) {
        UpdateStage.run(m, opt, kernels, scored, Method.of("grpo"), c, null, new int[0], 1e-2,
            new StepStats.Builder());
      }
      assertTrue(logProb(m, 5) > good + 0.1, "rewarded: " + good + " -> " + logProb(m, 5));
      assertTrue(logProb(m, 9) < bad - 0.1, "unrewarded: " + bad + " -> " + logProb(m, 9));
    }
  }
}
