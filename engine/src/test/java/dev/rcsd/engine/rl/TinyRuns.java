package dev.rcsd.engine.rl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sft.Warmup;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs small enough for tests: a briefly warmed-up tiny model (made once per JVM), 300 training
 * problems, completions of at most 24 tokens (reason-first analyses of 16), 4 rollouts per step.
 */
public final class TinyRuns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path init;

  private TinyRuns() {}

  /** The shared initial model: 30 SFT steps from scratch. */
  public static synchronized Path init() {
    if (init == null) {
      try {
        Path dir = Files.createTempDirectory("rcsd-tiny-init-");
        dir.toFile().deleteOnExit();
        Path file = dir.resolve("init.ckpt");
        Warmup w = new Warmup(30, 16, 1e-3, 5, 0.4, 1);
        try (TaskTokenizer tok = TaskTokenizer.builtIn();
            PolicyModel m = w.train(new ScienceGenerator().generate(1, 300, 0, 4).train(), tok,
                PromptTemplates.DEFAULTS, (step, loss, lr, tps) -> {})) {
          w.save(m, TaskTokenizer.builtInJson(), file, "rcsd tests");
        }
        file.toFile().deleteOnExit();
        init = file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return init;
  }

  /** The configuration JSON of a tiny run of {@code method}, with {@code extra} fields on top. */
  public static String config(String method, int steps, Map<String, Object> extra) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("method", method);
    c.put("steps", steps);
    c.put("prompts_per_step", method.equals("grpo") ? 2 : 4);
    c.put("samples_per_prompt", method.equals("grpo") ? 2 : 1);
    c.put("sampling", Map.of("max_new_tokens", 24));
    c.put("reason_first", Map.of("max_tokens", 16));
    c.put("train_problems", 300);
    c.put("test_problems", 8);
    c.put("eval_problems", 4);
    c.put("eval_every", 2);
    c.put("checkpoint_every", 2);
    c.put("init", init().toString());
    c.putAll(extra);
    try {
      return JSON.writeValueAsString(c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RunConfig resolve(String method, int steps, Map<String, Object> extra) {
    return RunConfig.resolve(null, config(method, steps, extra));
  }

  static Trainer trainer(Path dir, Trainer.Listener listener) {
    return new Trainer(dir, listener, BackendOptions.DEFAULTS, "rcsd tests");
  }

  public static Trainer trainer(Path dir) {
    return trainer(dir, new Trainer.Listener() {});
  }

  /** Every tensor of a checkpoint (parameters and optimizer moments) by role/name, as bytes. */
  public static Map<String, ByteBuffer> tensors(Path checkpoint) throws IOException {
    Map<String, ByteBuffer> out = new LinkedHashMap<>();
    try (CheckpointReader r = CheckpointReader.open(checkpoint)) {
      for (TensorInfo t; (t = r.next()) != null; ) {
        out.put(t.role() + "/" + t.name(), r.readAll());
      }
    }
    return out;
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
