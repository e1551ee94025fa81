package dev.rcsd.spark;

import dev.rcsd.engine.model.ModelWeights;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.rl.Cursor;
import dev.rcsd.engine.rl.RolloutSource;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.Stages;
import dev.rcsd.engine.rl.TaskData;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.rollout.RolloutReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A training run's rollouts from Spark tasks, one per shard of each step's problems
 * ({@code shard_prompts}). The driver puts the step's policy into the shared folder, the tasks
 * ({@link ShardWorker}) sample and score their shards and write them back, and the driver merges
 * the shards in shard order; the update stays on the driver. Shards are those the run computes in
 * one process, so the batches are identical whatever the number of executors.
 */
final class SparkRollouts implements RolloutSource {
  static final String INIT = "init.ckpt";
  /** A setting of the tests: {@code STEP:SHARD} (1-based step) halts that task's executor once. */
  static final String KILL_ONCE = "spark.rcsd.killExecutorOnce";

  private final JavaSparkContext sc;
  private final SharedFolder shared;
  private final RunConfig config;
  private final TaskData data;
  private final String producer;
  private final String killOnce;

  private SparkRollouts(JavaSparkContext sc, SharedFolder shared, RunConfig config, TaskData data, String producer) {
    this.sc = sc;
    this.shared = shared;
    this.config = config;
    this.data = data;
    this.producer = producer;
    this.killOnce = sc.getConf().get(KILL_ONCE, "");
    if (!killOnce.isEmpty() && sc.isLocal()) {
      throw new IllegalArgumentException(KILL_ONCE + " halts an executor's JVM: it needs executors of their own,"
          + " not local mode (it would halt the driver)");
    }
  }

  /** Opens a run's source: the run's initial model goes to the shared folder unless it is there. */
  static SparkRollouts open(JavaSparkContext sc, String sharedDir, RunDir dir, RunConfig c, String producer)
      throws IOException {
    SharedFolder shared = SharedFolder.of(sharedDir != null ? sharedDir : dir.root().resolve("spark").toString());
    if (!shared.exists(INIT) || shared.length(INIT) != Files.size(dir.init())) {
      shared.put(dir.init(), INIT);
    }
    shared.delete("shards");
    shared.delete("policy");
    return new SparkRollouts(sc, shared, c, TaskData.load(c), producer);
  }

  @Override
  public Step produce(PolicyModel policy, long step, Cursor cursor, String policyName) throws IOException {
    Path local = Files.createTempFile("rcsd-policy-", ".ckpt");
    try {
      ModelWeights.save(policy.block(), local, CheckpointHeader.newBuilder().setProducer(producer).build());
      shared.put(local, ShardTask.policy(step));
    } finally {
      Files.deleteIfExists(local);
    }
    shared.delete(ShardTask.shards(step));
    List<ShardTask> tasks = new ArrayList<>();
    for (Stages.Shard s : Stages.shards(config, Stages.problems(data, config, cursor))) {
      tasks.add(new ShardTask(shared, config.toJson(), step, cursor.epoch(), cursor.position(), s.index(), s.from(),
          s.to(), s.firstAnalysis(), policyName, producer, killOnce.equals((step + 1) + ":" + s.index())));
    }
    try {
      sc.parallelize(tasks, tasks.size()).map(ShardWorker::run).collect();
    } catch (RuntimeException e) {
      throw new IOException("step " + (step + 1) + " on the cluster: " + cause(e), e);
    }
    List<RolloutReader.Batch> sampled = new ArrayList<>();
    List<RolloutReader.Batch> scored = new ArrayList<>();
    for (ShardTask t : tasks) {
      sampled.add(Stages.read(shared.local(t.file("sample")), "sample"));
      scored.add(Stages.read(shared.local(t.file("score")), "score"));
    }
    Step out = new Step(Stages.merge(sampled), Stages.merge(scored));
    shared.delete(ShardTask.shards(step));
    shared.delete(ShardTask.policy(step));
    return out;
  }

  /**
   * The task's own message: the first exception of rcsd's in the chain (local mode keeps it), else
   * the line Spark's message quotes from the executor ("... java.io.IOException: MESSAGE").
   */
  static String cause(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof IOException && !(t instanceof SparkException)) {
        return t.getMessage();
      }
    }
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf("java.io.IOException: ");
    if (at < 0) {
      return m;
    }
    m = m.substring(at + "java.io.IOException: ".length());
    int end = m.indexOf('\n');
    return end >= 0 ? m.substring(0, end) : m;
  }

  @Override
  public void close() throws IOException {
    shared.delete("shards");
    shared.delete("policy");
    ShardWorker.forget(shared);
  }
}
