package dev.rcsd.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.compare.Comparison;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.TinyRuns;
import dev.rcsd.engine.rl.Trainer;
import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** train --spark in local mode: the same run as in one process, bit for bit. */
public class SparkRolloutsTest {
  static SparkCluster cluster;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    cluster = new SparkCluster("local[2]", Map.of("spark.ui.enabled", "false"), "rcsd tests");
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /**
   * Two steps on two local executors, one shard per task: the checkpoints and batches of the run
   * in one process; also with LoRA adapters (the policy the executors load carries them).
   */
  @ParameterizedTest
  @CsvSource({"grpo, 1, 0", "rcsd, 1, 0", "rcsd, 3, 0", "grpo, 1, 4"})
  void aRunOnExecutorsEqualsTheRunInOneProcess(String method, int shardPrompts, int loraRank) throws IOException {
    RunConfig c = TinyRuns.resolve(method, 2, Map.of("shard_prompts", shardPrompts, "lora",
        Map.of("rank", loraRank, "alpha", 8, "targets", List.of("q_proj", "v_proj"))));
    Path alone = tmp.resolve("alone").resolve("run");
    TinyRuns.trainer(alone).start(c);
    Path spread = tmp.resolve("spread").resolve("run");
    new Trainer(spread, new Trainer.Listener() {}, BackendOptions.DEFAULTS, "rcsd tests", cluster.rollouts(null))
        .start(c);

    RunDir a = new RunDir(alone);
    RunDir b = new RunDir(spread);
    assertEquals(TinyRuns.tensors(a.checkpoint(2)), TinyRuns.tensors(b.checkpoint(2)));
    for (String stage : List.of("sample", "score")) {
      assertArrayEquals(Files.readAllBytes(a.rollouts(2, stage)), Files.readAllBytes(b.rollouts(2, stage)), stage);
    }
    assertEquals(Files.readString(a.eval()), Files.readString(b.eval()));
    try (Stream<Path> left = Files.list(spread.resolve("spark"))) {
      assertEquals(List.of("init.ckpt"), left.map(p -> p.getFileName().toString()).toList(),
          "the steps' policies and shards are removed; the initial model stays for a resumed run");
    }
  }

  @Test
  void aWorkerThatCannotReadThePolicyCheckpointFailsTheStepNamingIt() throws IOException {
    RunConfig c = TinyRuns.resolve("grpo", 2, Map.of("shard_prompts", 1));
    SharedFolder shared = SharedFolder.of(tmp.resolve("shared").toString());
    shared.put(TinyRuns.init(), SparkRollouts.INIT);
    Path garbage = Files.writeString(tmp.resolve("garbage"), "not a checkpoint");
    shared.put(garbage, ShardTask.policy(0));
    ShardTask t = new ShardTask(shared, c.toJson(), 0, 0, 0, 0, 0, 1, 0, "step 0", "rcsd tests", false);

    SparkException e = assertThrows(SparkException.class,
        () -> cluster.context().parallelize(List.of(t), 1).map(ShardWorker::run).collect());
    String message = SparkRollouts.cause(e);
    assertTrue(message.startsWith("shard 0 of step 1: cannot read the policy checkpoint "
        + shared.where("policy/step-0.ckpt")), message);

    shared.delete(ShardTask.policy(0));
    IOException missing = assertThrows(IOException.class, () -> ShardWorker.run(t));
    assertTrue(missing.getMessage().contains(shared.where("policy/step-0.ckpt")), missing.getMessage());
    assertTrue(!shared.exists(t.file("sample")) && !shared.exists(t.file("score")), "no shard is written");
  }

  /** compare --spark: every (method, seed) a task, two at once; the runs and report of the comparison in one process. */
  @Test
  void aComparisonOnExecutorsEqualsTheComparisonInOneProcess() throws IOException {
    Comparison.Plan plan = new Comparison.Plan(List.of("grpo", "opsd"), 1, TinyRuns.config("grpo", 2, Map.of()),
        Map.of());
    Comparison here = new Comparison(tmp.resolve("here"), new Comparison.Listener() {}, BackendOptions.DEFAULTS,
        "rcsd tests");
    Comparison there = new Comparison(tmp.resolve("there"), new Comparison.Listener() {}, BackendOptions.DEFAULTS,
        "rcsd tests", cluster.comparisonRuns());
    here.run(plan);
    there.run(plan);
    for (String method : plan.methods()) {
      assertEquals(TinyRuns.tensors(here.run(method, 1).checkpoint(2)),
          TinyRuns.tensors(there.run(method, 1).checkpoint(2)), method);
      assertEquals(Files.readString(here.run(method, 1).eval()), Files.readString(there.run(method, 1).eval()));
    }
    assertTrue(Files.isRegularFile(tmp.resolve("there").resolve("report.md")));
    assertTrue(Files.isRegularFile(tmp.resolve("there").resolve("accuracy.png")));
  }
}
