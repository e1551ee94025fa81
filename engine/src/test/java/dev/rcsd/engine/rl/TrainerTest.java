package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class TrainerTest {
  @TempDir Path tmp;

  @Test
  void aRunWritesItsConfigurationMetricsCheckpointsRolloutsAndEvaluation() throws IOException {
    RunConfig c = TinyRuns.resolve("rcsd", 3, Map.of());
    Path dir = tmp.resolve("run");
    Trainer.Result r = TinyRuns.trainer(dir).start(c);

    RunDir run = new RunDir(dir);
    assertEquals(c, RunConfig.fromJson(Files.readString(run.config())));
    assertEquals(List.of(3L, 2L), run.checkpointSteps());
    assertTrue(Files.isRegularFile(run.init()));
    TrainingCheckpoint.State s = TrainingCheckpoint.state(run.checkpoint(3));
    assertEquals(3, s.step());
    assertEquals("rcsd", s.method());
    assertEquals(c, s.config());
    assertEquals(new Cursor(0, 12), s.cursor(), "3 steps of 4 problems");

    List<JsonNode> lines = MetricsLog.read(run.metrics());
    assertEquals(4, lines.size(), "the initial evaluation and one line per step");
    assertEquals(0, lines.get(0).get("step").asInt());
    assertTrue(lines.get(0).has("eval_accuracy"));
    for (int step = 1; step <= 3; step++) {
      JsonNode line = lines.get(step);
      assertEquals(step, line.get("step").asInt());
      for (String key : List.of("loss", "reward", "accuracy", "kl", "teacher_divergence", "grad_norm", "lr",
          "tokens", "tokens_per_s", "wall_time")) {
        assertTrue(line.get(key).isNumber(), key + " of step " + step + ": " + line);
      }
      assertEquals(step == 2, line.has("eval_accuracy"), "evaluated every 2 steps");
    }
    assertTrue(lines.get(3).get("wall_time").asDouble() > lines.get(1).get("wall_time").asDouble());

    try (Stream<Path> files = Files.list(dir.resolve("rollouts"))) {
      assertEquals(List.of("step-3.sample.rollouts", "step-3.score.rollouts"),
          files.map(f -> f.getFileName().toString()).sorted().toList(), "only the latest step's batches");
    }
    JsonNode eval = EvalFile.read(run.eval());
    assertEquals(3, eval.get("step").asInt());
    assertEquals(8, eval.get("final").get("problems").asInt());
    assertEquals(r.fin().accuracy(), eval.get("final").get("accuracy").asDouble());
    assertTrue(eval.get("initial").has("mean_rubric_score"));
    assertFalse(eval.has("final_sampled"), "no sampled evaluation unless eval_sampling asks for one");
  }

  /** eval_sampling: the test split's sampled evaluation (avg@n) of the final and initial models in eval.json. */
  @Test
  void aSampledEvaluationComesBesideTheGreedyOne() throws IOException {
    RunConfig c = TinyRuns.resolve("grpo", 1, Map.of("eval_sampling", Map.of("samples", 2)));
    assertEquals(new RunConfig.EvalSampling(2, 0.6f, 20, 0.95f), c.evalSampling(), "the authors' decoding");
    Trainer.Result r = TinyRuns.trainer(tmp.resolve("run")).start(c);
    JsonNode eval = EvalFile.read(new RunDir(tmp.resolve("run")).eval());
    for (String key : List.of("final_sampled", "initial_sampled")) {
      assertEquals(8, eval.get(key).get("problems").asInt(), key);
      assertEquals(2, eval.get(key).get("samples").asInt(), key);
      assertEquals(16, eval.get(key).get("by_difficulty").findValues("graded").stream().mapToInt(JsonNode::asInt)
          .sum(), key + ": every completion counted");
    }
    assertEquals(r.finSampled().accuracy(), eval.get("final_sampled").get("accuracy").asDouble());
    assertEquals(r.initialSampled().passAtSamples(), eval.get("initial_sampled").get("pass_at_samples").asDouble());
    assertThrows(IllegalArgumentException.class,
        () -> TinyRuns.resolve("grpo", 1, Map.of("eval_sampling", Map.of("samples", 2, "top_p", 0))));
  }

  /** The contract of --resume: an interrupted run, resumed, ends with the uninterrupted run's exact tensors. */
  @ParameterizedTest
  @ValueSource(strings = {"grpo", "opsd", "rcsd", "rcsd-criteria"})
  void aResumedRunReproducesTheUninterruptedRunBitForBit(String method) throws IOException {
    RunConfig c = TinyRuns.resolve(method, 4, Map.of());
    Path whole = tmp.resolve("whole");
    TinyRuns.trainer(whole).start(c);

    Path cut = tmp.resolve("cut");
    Trainer.Listener dies = new Trainer.Listener() {
      @Override
      public void step(StepStats s, Evaluation.Report eval) {
        if (s.step() == 3) {
          throw new IllegalStateException("killed"); // after step 3's metrics, before any checkpoint of it
        }
      }
    };
    assertThrows(IllegalStateException.class, () -> TinyRuns.trainer(cut, dies).start(c));
    assertEquals(List.of(2L), new RunDir(cut).checkpointSteps());
    assertEquals(4, MetricsLog.read(new RunDir(cut).metrics()).size());

    TinyRuns.trainer(cut).resume();
    assertIdentical(new RunDir(whole).checkpoint(4), new RunDir(cut).checkpoint(4));
    List<JsonNode> a = MetricsLog.read(new RunDir(whole).metrics());
    List<JsonNode> b = MetricsLog.read(new RunDir(cut).metrics());
    assertEquals(a.size(), b.size(), "the lines after the checkpoint are replaced, not repeated");
    for (int i = 1; i < a.size(); i++) {
      assertEquals(a.get(i).get("loss"), b.get(i).get("loss"), "loss of step " + i);
      assertEquals(a.get(i).get("reward"), b.get(i).get("reward"), "reward of step " + i);
    }
  }

  /** LoRA: only the adapters move, the base stays the initial model's, and --resume is still exact. */
  @Test
  void aLoraRunTrainsTheAdaptersAloneAndResumesBitForBit() throws IOException {
    RunConfig c = TinyRuns.resolve("rcsd", 4, Map.of("lora", Map.of("rank", 4, "alpha", 8,
        "targets", List.of("q_proj", "v_proj", "up_proj"))));
    Path whole = tmp.resolve("whole");
    TinyRuns.trainer(whole).start(c);
    RunDir run = new RunDir(whole);
    Map<String, ByteBuffer> init = TinyRuns.tensors(run.init());
    Map<String, ByteBuffer> last = TinyRuns.tensors(run.checkpoint(4));
    int adapters = 0;
    for (String k : last.keySet()) {
      if (k.startsWith("PARAMETER/") && k.contains(".lora_")) {
        adapters++;
      } else if (k.startsWith("PARAMETER/")) {
        assertEquals(init.get(k), last.get(k), k + " is frozen");
      } else {
        assertTrue(k.contains(".lora_"), "optimizer state only for adapters: " + k);
      }
    }
    assertEquals(2 * 3 * 4, adapters, "A and B of 3 targets in 4 layers");
    assertTrue(last.keySet().stream().filter(k -> k.startsWith("PARAMETER/") && k.contains(".lora_B"))
        .anyMatch(k -> !isZero(last.get(k))), "the adapters were trained");

    Path cut = tmp.resolve("cut");
    Trainer.Listener dies = new Trainer.Listener() {
      @Override
      public void step(StepStats s, Evaluation.Report eval) {
        if (s.step() == 3) {
          throw new IllegalStateException("killed");
        }
      }
    };
    assertThrows(IllegalStateException.class, () -> TinyRuns.trainer(cut, dies).start(c));
    TinyRuns.trainer(cut).resume();
    assertIdentical(run.checkpoint(4), new RunDir(cut).checkpoint(4));
  }

  private static boolean isZero(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    while (d.hasRemaining()) {
      if (d.get() != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aNonFiniteLossStopsTheRunNamingStepAndMethodAndKeepsTheLastGoodCheckpoint() throws IOException {
    RunConfig c = TinyRuns.resolve("rcsd", 6, Map.of("backend", PoisonedBackend.NAME, "checkpoint_every", 2));
    Path dir = tmp.resolve("run");
    Trainer trainer = new Trainer(dir, new Trainer.Listener() {},
        new BackendOptions(0, Map.of("poisoned.after", "2")), "rcsd tests");
    TrainingStoppedException e = assertThrows(TrainingStoppedException.class, () -> trainer.start(c));
    assertTrue(e.getMessage().startsWith("step 3 of rcsd: loss is NaN"), e.getMessage());
    RunDir run = new RunDir(dir);
    assertEquals(List.of(2L), run.checkpointSteps());
    assertTrue(e.getMessage().contains(run.checkpoint(2).toString()), e.getMessage());
    assertFalse(Files.exists(run.eval()));

    Path dir4 = tmp.resolve("run4");
    Trainer late = new Trainer(dir4, new Trainer.Listener() {},
        new BackendOptions(0, Map.of("poisoned.after", "3")), "rcsd tests");
    e = assertThrows(TrainingStoppedException.class, () -> late.start(c));
    assertTrue(e.getMessage().startsWith("step 4 of rcsd: "), e.getMessage());
    assertEquals(List.of(3L, 2L), new RunDir(dir4).checkpointSteps(), "the state before the failed step is saved");
  }

  @Test
  void aFolderHoldingARunIsNotOverwrittenAndAnEmptyOneCannotBeResumed() throws IOException {
    RunConfig c = TinyRuns.resolve("rcsd", 1, Map.of());
    Path dir = tmp.resolve("run");
    TinyRuns.trainer(dir).start(c);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TinyRuns.trainer(dir).start(c));
    assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TinyRuns.trainer(tmp.resolve("none")).resume());
    assertTrue(e.getMessage().contains("no run to resume"), e.getMessage());
  }

  public static void assertIdentical(Path expected, Path actual) throws IOException {
    Map<String, ByteBuffer> a = TinyRuns.tensors(expected);
    Map<String, ByteBuffer> b = TinyRuns.tensors(actual);
    assertEquals(a.keySet(), b.keySet());
    assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("OPTIMIZER_SECOND_MOMENT/")));
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k + " differs between " + expected + " and " + actual);
    }
  }
}
