package dev.rcsd.engine.sft;

import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.ModelWeights;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.engine.train.AdamWSettings;
import dev.rcsd.engine.train.LearningRate;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The SFT warm-up of the built-in tiny model: from scratch (seeded) on worked solutions, with
 * privileged-context examples mixed in, saved as a checkpoint that carries its tokenizer.
 *
 * @param steps optimizer steps
 * @param privilegedShare the share of examples whose prompt holds the rubric, reference or a criterion
 * @param hiddenSize the model's width ({@link ModelConfig#tiny(int, int, int, int, int)}; 0: the default)
 * @param layers the model's depth (0: the default)
 * @param mistakeShare the share of student-view examples whose solution makes the problem's first
 *     pitfall ({@link dev.rcsd.engine.task.Problem#mistakenSolution()}): a warm-up that leaves the
 *     model with the misconceptions the rubrics warn of, for RL to correct
 */
public record Warmup(int steps, int batchSize, double learningRate, int warmupSteps, double privilegedShare, long seed,
    int hiddenSize, int layers, double mistakeShare) {
  public static final Warmup DEFAULTS = new Warmup(1000, 32, 1e-3, 50, 0.4, 1, 0, 0, 0.5);

  public Warmup {
    hiddenSize = hiddenSize == 0 ? ModelConfig.TINY_HIDDEN : hiddenSize; // 0: a configuration from before the size
    layers = layers == 0 ? ModelConfig.TINY_LAYERS : layers;
    if (!(mistakeShare >= 0 && mistakeShare <= 1)) {
      throw new IllegalArgumentException("warmup.mistake_share = " + mistakeShare + " must be in [0, 1]");
    }
  }

  /** The built-in model's default size, no mistaken solutions. */
  public Warmup(int steps, int batchSize, double learningRate, int warmupSteps, double privilegedShare, long seed) {
    this(steps, batchSize, learningRate, warmupSteps, privilegedShare, seed, 0, 0, 0);
  }

  /** Trains a fresh tiny model; the caller owns (closes) it. */
  public PolicyModel train(List<Problem> problems, TaskTokenizer tok, PromptTemplates prompts,
      SftTrainer.Progress progress) {
    PolicyModel model = PolicyModel.random(ModelConfig.tiny(tok.vocabSize(), tok.bos(), tok.eos(), hiddenSize, layers),
        seed);
    try {
      SftTrainer.train(model, SftData.examples(problems, tok, prompts, privilegedShare, mistakeShare, seed),
          new SftTrainer.Settings(steps, batchSize, new LearningRate(learningRate, warmupSteps, steps, "cosine", 0.1),
              AdamWSettings.DEFAULTS, seed), progress);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Saves the warmed-up model with its tokenizer and what produced it. */
  public void save(PolicyModel model, String tokenizerJson, Path file, String producer) throws IOException {
    ModelWeights.save(model.block(), file, CheckpointHeader.newBuilder()
        .setProducer(producer)
        .putMetadata(ModelTokenizer.KEY, tokenizerJson)
        .setTraining(TrainingState.newBuilder().setStep(steps).setMethod("sft").setConfigJson(String.format(
            "{\"steps\": %d, \"batch_size\": %d, \"learning_rate\": %s, \"warmup_steps\": %d, \"privileged_share\": %s,"
                + " \"seed\": %d, \"hidden_size\": %d, \"layers\": %d, \"mistake_share\": %s}", steps, batchSize,
            learningRate, warmupSteps, privilegedShare, seed, hiddenSize, layers, mistakeShare)))
        .build());
  }
}
