package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.LossPathBench;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import dev.rcsd.kernels.KernelBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One update step of a randomly initialised Qwen3-shaped model (Qwen3-0.6B's vocabulary, width,
 * heads and MLP; fewer layers if asked) on synthetic scored rollouts of long completions: the
 * policy's forward pass with autograd, the method's loss on the update path the configuration
 * names, back-propagation and one AdamW step. Reports the time and the process's peak resident
 * memory (VmHWM).
 */
public final class UpdateStepBench {
  /** The measurement. */
  public record Result(double seconds, double loss, double gradNorm, long peakKb, long parameters) {}

  private UpdateStepBench() {}

  /** Qwen3-0.6B's shape with {@code layers} layers. */
  public static ModelConfig qwen3(int layers) {
    return new ModelConfig("qwen3", 151_936, 1024, 3072, layers, 16, 8, 128, 1_000_000.0, 1e-6, true, false, true,
        40_960, 151_643, 151_645);
  }

  /**
   * @param method grpo (group rewards 1/0) or rcsd (each rollout with a random stored top-k teacher)
   * @param path the update path: chunked or full-logits
   * @param microBatch sequences per forward pass (0: all)
   */
  public static Result run(ModelConfig config, String method, String path, int microBatch, int rollouts,
      int promptTokens, int completionTokens, KernelBackend kernels) throws IOException {
    RunConfig c = RunConfig.resolve(method, "{\"update\": {\"path\": \"" + path + "\", \"micro_batch\": " + microBatch
        + "}, \"init\": \"synthetic\"}");
    List<Rollout> scored = rollouts(config.vocabSize(), method, rollouts, promptTokens, completionTokens,
        c.teacherTopK());
    try (PolicyModel policy = PolicyModel.random(config, 1);
        AdamW opt = new AdamW(policy.block(), policy.manager(), c.adamW())) {
      long parameters = policy.block().namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
      StepStats.Builder stats = new StepStats.Builder();
      long start = System.nanoTime();
      UpdateStage.run(policy, opt, kernels, scored, Method.of(method), c, null, new int[0], 1e-5, stats);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(seconds, stats.loss, stats.gradNorm, LossPathBench.status("VmHWM"), parameters);
    }
  }

  static List<Rollout> rollouts(int vocab, String method, int count, int prompt, int completion, int topK) {
    SplittableRandom rnd = new SplittableRandom(5);
    List<Rollout> out = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      Rollout.Builder b = Rollout.newBuilder().setPromptId("p" + r / 2).setGroupId(r / 2).setReward(r % 2);
      for (int i = 0; i < prompt; i++) {
        b.addPromptTokens(rnd.nextInt(vocab));
      }
      for (int i = 0; i < completion; i++) {
        b.addCompletionTokens(rnd.nextInt(vocab)).addSamplingLogprobs((float) -Math.log(vocab))
            .addReferenceLogprobs((float) -Math.log(vocab));
      }
      if (!method.equals("grpo")) {
        TeacherScores.Builder t = TeacherScores.newBuilder().setContext("rubric").setTopK(topK);
        for (int i = 0; i < completion; i++) {
          for (int j = 0; j < topK; j++) {
            t.addTopIds(rnd.nextInt(vocab)).addTopLogprobs((float) (-1 - j * 0.3));
          }
          t.addTokenLogprobs(-12f);
        }
        b.addTeachers(t);
      }
      out.add(b.build());
    }
    return out;
  }
}
