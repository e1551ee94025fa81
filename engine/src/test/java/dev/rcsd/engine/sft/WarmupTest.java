package dev.rcsd.engine.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.ModelWeights;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupTest {
  @TempDir Path tmp;

  /** warmup.hidden_size and warmup.layers size the built-in model; the checkpoint keeps that size. */
  @Test
  void theWarmupTrainsAndSavesTheModelAtItsSize() throws IOException {
    Warmup w = new Warmup(2, 4, 1e-3, 1, 0.4, 1, 64, 2, 0);
    Path file = tmp.resolve("init.ckpt");
    try (TaskTokenizer tok = TaskTokenizer.builtIn();
        PolicyModel m = w.train(new ScienceGenerator().generate(1, 20, 0, 4).train(), tok, PromptTemplates.DEFAULTS,
            (step, loss, lr, tps) -> {})) {
      assertEquals(64, m.config().hiddenSize());
      assertEquals(2, m.config().layers());
      assertEquals(16, m.config().headDim());
      assertEquals(192, m.config().intermediateSize());
      w.save(m, TaskTokenizer.builtInJson(), file, "rcsd tests");
    }
    ModelConfig saved = ModelConfig.fromJson(ModelWeights.configJson(file));
    assertEquals(64, saved.hiddenSize());
    assertEquals(2, saved.layers());
  }

  @Test
  void aConfigurationNamesTheSizeOrKeepsTheDefault() {
    RunConfig sized = RunConfig.resolve(null, "{\"method\": \"grpo\", \"warmup\": {\"hidden_size\": 192, \"layers\": 6}}");
    assertEquals(192, sized.warmup().hiddenSize());
    assertEquals(6, sized.warmup().layers());
    assertEquals(1000, sized.warmup().steps(), "the other fields keep their defaults");
    assertEquals(0.5, sized.warmup().mistakeShare());
    assertEquals(0.0, RunConfig.resolve(null, "{\"method\": \"grpo\", \"warmup\": {\"mistake_share\": 0}}").warmup()
        .mistakeShare());
    Warmup old = new Warmup(1000, 32, 1e-3, 50, 0.4, 1, 0, 0, 0.5); // a configuration written before the size was one
    assertEquals(Warmup.DEFAULTS, old);
    assertEquals(ModelConfig.tiny(100, 1, 2), ModelConfig.tiny(100, 1, 2, 128, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.tiny(100, 1, 2, 66, 4));
    assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
  }
}
