package dev.rcsd.spark;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.Stages;
import dev.rcsd.engine.rl.TaskData;
import dev.rcsd.engine.rl.TeacherHead;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.rollout.RolloutReader;
import dev.rcsd.engine.train.Autograd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;

/**
 * The executor's side of a training step: one shard sampled with the step's policy and scored with
 * the frozen initial model, both read from the shared folder, and written back to it as two
 * rollout batches. The initial model, its tokenizer and the run's problems are loaded once per
 * executor and kept for the steps that follow.
 */
final class ShardWorker {
  /** The frozen initial model of a run, with its tokenizer and head. */
  private record Frozen(PolicyModel initial, TaskTokenizer tok, TeacherHead head) {}

  private static final Map<String, Frozen> FROZEN = new ConcurrentHashMap<>();
  private static final Map<String, TaskData> DATA = new ConcurrentHashMap<>();

  private ShardWorker() {}

  /** Samples and scores the task's shard; returns the shared name of its scored batch. */
  static String run(ShardTask t) throws IOException {
    Autograd.offOnThisThread();
    SharedFolder shared = t.shared();
    String what = "shard " + t.index() + " of step " + (t.step() + 1);
    if (shared.exists(t.file("sample")) && shared.exists(t.file("score"))) {
      return t.file("score"); // an earlier attempt finished it; the same inputs give the same shard
    }
    RunConfig c = RunConfig.fromJson(t.configJson());
    Frozen f = frozen(shared, c, what);
    TaskData data = data(c);
    Path policyFile;
    RolloutReader.Batch sampled;
    String policy = shared.where(ShardTask.policy(t.step()));
    try {
      policyFile = shared.local(ShardTask.policy(t.step()));
    } catch (IOException e) {
      throw new IOException(what + ": cannot read the policy checkpoint " + policy + ": " + e.getMessage(), e);
    }
    try (PolicyModel model = load(policyFile, policy, what)) {
      sampled = Stages.sample(model, f.tok(), data, c, t.step(), t.cursor(), t.shard(), t.policyName(), t.producer());
    }
    RolloutReader.Batch scored = Stages.score(sampled, t.shard(), data.byId(), f.initial(), f.head(), f.tok(),
        t.producer());
    Path local = Files.createTempDirectory("rcsd-shard-");
    try {
      Stages.write(local.resolve("sample.rollouts"), sampled);
      Stages.write(local.resolve("score.rollouts"), scored);
      shared.put(local.resolve("sample.rollouts"), t.file("sample"));
      TaskContext task = TaskContext.get();
      if (t.halt() && task != null && task.attemptNumber() == 0) {
        dieWhileWriting(shared, local.resolve("score.rollouts"), t.file("score"));
      }
      shared.put(local.resolve("score.rollouts"), t.file("score"));
    } finally {
      try (Stream<Path> files = Files.walk(local)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    return t.file("score");
  }

  /**
   * The injected fault: half of the batch written where an interrupted copy leaves it (a temporary
   * beside the target), then the executor's JVM halts.
   */
  private static void dieWhileWriting(SharedFolder shared, Path batch, String name) throws IOException {
    Path half = Files.createTempFile("rcsd-half-", ".rollouts");
    byte[] bytes = Files.readAllBytes(batch);
    try (OutputStream out = Files.newOutputStream(half)) {
      out.write(bytes, 0, bytes.length / 2);
    }
    String dir = name.substring(0, name.lastIndexOf('/') + 1);
    shared.put(half, dir + "." + name.substring(dir.length()) + ".killed.partial");
    Runtime.getRuntime().halt(137);
  }

  private static PolicyModel load(Path file, String where, String what) throws IOException {
    try {
      return PolicyModel.load(file);
    } catch (IOException | RuntimeException e) {
      throw new IOException(what + ": cannot read the policy checkpoint " + where + ": " + e.getMessage(), e);
    }
  }

  private static Frozen frozen(SharedFolder shared, RunConfig c, String what) throws IOException {
    String key = shared.where(SparkRollouts.INIT) + "#" + shared.length(SparkRollouts.INIT) + "#"
        + c.chatTemplateVariables();
    Frozen f = FROZEN.get(key);
    if (f != null) {
      return f;
    }
    synchronized (FROZEN) {
      f = FROZEN.get(key);
      if (f == null) {
        Path init;
        try {
          init = shared.local(SparkRollouts.INIT);
        } catch (IOException e) {
          throw new IOException(what + ": cannot read the initial model " + shared.where(SparkRollouts.INIT) + ": "
              + e.getMessage(), e);
        }
        PolicyModel initial = load(init, shared.where(SparkRollouts.INIT), what);
        f = new Frozen(initial, ModelTokenizer.of(init).withTemplateVariables(c.chatTemplateVariables()),
            TeacherHead.of(initial));
        FROZEN.put(key, f);
      }
      return f;
    }
  }

  private static TaskData data(RunConfig c) throws IOException {
    String key = c.data() + "#" + c.dataSeed() + "#" + c.trainProblems() + "#" + c.testProblems() + "#"
        + c.dataFields();
    TaskData d = DATA.get(key);
    if (d == null) {
      synchronized (DATA) {
        d = DATA.get(key);
        if (d == null) {
          d = TaskData.load(c);
          DATA.put(key, d);
        }
      }
    }
    return d;
  }

  /** Frees what this JVM keeps of the runs that used {@code shared} (the driver's, in local mode). */
  static void forget(SharedFolder shared) {
    synchronized (FROZEN) {
      FROZEN.entrySet().removeIf(e -> {
        if (!e.getKey().startsWith(shared.uri() + "/")) {
          return false;
        }
        e.getValue().tok().close();
        e.getValue().initial().close();
        return true;
      });
    }
    DATA.clear();
  }
}
