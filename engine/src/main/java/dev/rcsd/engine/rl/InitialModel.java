package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.ModelWeights;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.CheckpointHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model a run starts from and distils from: a copy of the configured {@code init} (a .ckpt
 * or a Hugging Face folder), or the SFT warm-up of the built-in tiny model, trained once and
 * saved with its tokenizer.
 */
public final class InitialModel {
  private InitialModel() {}

  /** Writes {@code target} unless it exists already (a resumed run keeps its own). */
  public static void ensure(Path target, RunConfig c, TaskData data, Trainer.Listener listener, String producer)
      throws IOException {
    if (Files.isRegularFile(target)) {
      return;
    }
    if (!c.init().isEmpty()) {
      Path from = Path.of(c.init());
      try (PolicyModel m = PolicyModel.load(from)) {
        // the tokenizer with its chat template, stop ids and special tokens
        ModelWeights.save(m.block(), target, CheckpointHeader.newBuilder().setProducer(producer)
            .putAllMetadata(ModelTokenizer.companions(from)).build());
      }
      return;
    }
    listener.phase("warm-up", 0, c.warmup().steps());
    try (TaskTokenizer tok = data.tokenizer();
        PolicyModel m = c.warmup().train(data.warmup(), tok, c.prompts(), listener::warmupStep)) {
      c.warmup().save(m, data.tokenizerJson(), target, producer);
    }
  }
}
