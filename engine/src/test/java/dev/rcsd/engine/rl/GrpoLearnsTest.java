package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sample.Completion;
import dev.rcsd.engine.sample.Sampler;
import dev.rcsd.engine.sample.SamplingSettings;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.AdamWSettings;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.simd.SimdBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * GRPO end to end on a bandit (sampling a batch of prompts of different lengths, group
 * advantages, the update, AdamW), step after step: completions are rewarded for how often they
 * hold one token, and the rewarded behaviour must grow.
 */
class GrpoLearnsTest {
  static final ModelConfig CONFIG = new ModelConfig("qwen3", 16, 32, 64, 2, 2, 1, 16, 10000.0, 1e-6, true, false,
      true, 64, 1, 2);
  static final List<int[]> PROMPTS = List.of(new int[] {1, 4, 7}, new int[] {1, 9}, new int[] {1, 5, 6, 8, 10},
      new int[] {1, 11, 12, 3});
  static final int TARGET = 13;
  static final int GROUP = 8;

  /** The share of TARGET among the completion tokens. */
  static float reward(int[] completion) {
    int hits = 0;
    for (int t : completion) {
      hits += t == TARGET ? 1 : 0;
    }
    return completion.length == 0 ? 0f : (float) hits / completion.length;
  }

  /** Mean reward of a step's rollouts, sampled from the policy, and those rollouts. */
  static double sample(Sampler sampler, long seed, List<Rollout> out) {
    List<int[]> prompts = new ArrayList<>();
    for (int[] p : PROMPTS) {
      for (int k = 0; k < GROUP; k++) {
        prompts.add(p);
      }
    }
    List<Completion> done = sampler.generate(prompts, new SamplingSettings(1f, 0, 1f, 6, Set.of(), seed));
    double sum = 0;
    for (int i = 0; i < done.size(); i++) {
      Completion c = done.get(i);
      float r = reward(c.tokens());
      sum += r;
      Rollout.Builder b = Rollout.newBuilder().setGroupId(i / GROUP).setReward(r);
      for (int t : prompts.get(i)) {
        b.addPromptTokens(t);
      }
      for (int j = 0; j < c.tokens().length; j++) {
        b.addCompletionTokens(c.tokens()[j]).addSamplingLogprobs(c.logprobs()[j]);
      }
      out.add(b.build());
    }
    return sum / done.size();
  }

  @Test
  void theRewardedTokenSpreads() {
    RunConfig c = TinyRuns.resolve("grpo", 1, Map.of());
    try (PolicyModel m = PolicyModel.random(CONFIG, 5);
        AdamW opt = new AdamW(m.block(), m.manager(), AdamWSettings.DEFAULTS);
        KernelBackend kernels = new SimdBackend(1)) {
      Sampler sampler = new Sampler(m);
      double first = 0;
      double last = 0;
      int steps = 40;
      for (int step = 0; step < steps; step++) {
        List<Rollout> rollouts = new ArrayList<>();
        double mean = sample(sampler, 100 + step, rollouts);
        if (step < 5) {
          first += mean / 5;
        } else if (step >= steps - 5) {
          last += mean / 5;
        }
        UpdateStage.run(m, opt, kernels, rollouts, Method.of("grpo"), c, null, new int[0], 3e-3,
            new StepStats.Builder());
      }
      assertTrue(last > first + 0.3, "mean reward of the first 5 steps " + first + ", of the last 5 " + last);
    }
  }
}
