package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.LearningRate;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.proto.BatchHeader;
import dev.rcsd.io.proto.DataCursor;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.rollout.RolloutReader;
import dev.rcsd.io.rollout.RolloutWriter;
import dev.rcsd.kernels.KernelBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One training step as three stages over rollout batches, the same code whether the train loop
 * runs them in one process or {@code rcsd stage} runs each from files:
 *
 * <pre>
 *   policy (step s, cursor) --sample--> batch "sample" --score(initial model)--> batch "score"
 *   batch "score" + policy (step s) --update--> policy (step s + 1, the batch's cursor)
 * </pre>
 *
 * A batch's header carries the step, the cursor after its problems and the resolved
 * configuration, so the later stages need nothing else from the run.
 */
public final class Stages {
  private Stages() {}

  /**
   * Part of a step: its problems [from, to), whose reason-first analyses (if any) begin at random
   * stream {@code firstAnalysis} of the step.
   */
  public record Shard(int index, int from, int to, int firstAnalysis) {}

  /** The problems of the step that starts at {@code cursor}, in order. */
  public static List<Problem> problems(TaskData data, RunConfig c, Cursor cursor) {
    List<Problem> out = new ArrayList<>();
    cursor.next(c.promptsPerStep(), data.train().size(), c.seed()).indices().forEach(i -> out.add(data.train().get(i)));
    return out;
  }

  /** A step's shards: {@code c.promptsPerShard()} of its problems each, the last one possibly fewer. */
  public static List<Shard> shards(RunConfig c, List<Problem> stepProblems) {
    Method method = Method.of(c.method());
    List<Shard> out = new ArrayList<>();
    int analyses = 0;
    for (int from = 0; from < stepProblems.size(); from += c.promptsPerShard()) {
      int to = Math.min(stepProblems.size(), from + c.promptsPerShard());
      out.add(new Shard(out.size(), from, to, analyses));
      analyses += ReasonFirstTeacher.count(stepProblems.subList(from, to), method, c);
    }
    return out;
  }

  /** Samples the step's rollouts from the problems after {@code cursor}, shard by shard. */
  public static RolloutReader.Batch sample(PolicyModel policy, TaskTokenizer tok, TaskData data, RunConfig c,
      long step, Cursor cursor, String policyName, String producer) {
    List<RolloutReader.Batch> parts = new ArrayList<>();
    for (Shard shard : shards(c, problems(data, c, cursor))) {
      parts.add(sample(policy, tok, data, c, step, cursor, shard, policyName, producer));
    }
    return merge(parts);
  }

  /** Samples one shard of the step: its rollouts, under the header of the whole step. */
  public static RolloutReader.Batch sample(PolicyModel policy, TaskTokenizer tok, TaskData data, RunConfig c,
      long step, Cursor cursor, Shard shard, String policyName, String producer) {
    Cursor.Next next = cursor.next(c.promptsPerStep(), data.train().size(), c.seed());
    List<Problem> problems = new ArrayList<>();
    next.indices().subList(shard.from(), shard.to()).forEach(i -> problems.add(data.train().get(i)));
    List<Rollout> rollouts = SampleStage.run(policy, tok, problems, c, step, shard.from());
    RunConfig.Sampling s = c.sampling();
    BatchHeader header = BatchHeader.newBuilder()
        .setProducer(producer)
        .setStep(step)
        .setMethod(c.method())
        .setStage("sample")
        .setPolicyCheckpoint(policyName)
        .setGroupSize(c.samplesPerPrompt())
        .setSeed(SampleStage.seed(c.seed(), step))
        .setTemperature(s.temperature())
        .setTopK(s.topK())
        .setTopP(s.topP())
        .setDataCursor(DataCursor.newBuilder().setEpoch(next.cursor().epoch()).setPosition(next.cursor().position())
            .setShuffleSeed(c.seed()))
        .setConfigJson(c.toJson())
        .addAllThinkTokenIds(java.util.Arrays.stream(tok.thinkTokens()).boxed().toList())
        .build();
    return new RolloutReader.Batch(header, rollouts);
  }

  /**
   * Grades the sampled batch and adds the reference and teacher passes of the initial model, shard
   * by shard of the run's configuration; a batch whose teachers keep hidden states names
   * {@code head} (the initial model's) in its header.
   */
  public static RolloutReader.Batch score(RolloutReader.Batch sampled, Map<String, Problem> problems,
      PolicyModel initial, TeacherHead head, TaskTokenizer tok, String producer) throws IOException {
    RunConfig c = config(sampled);
    int group = sampled.header().getGroupSize() > 0 ? sampled.header().getGroupSize() : c.samplesPerPrompt();
    List<Rollout> rollouts = sampled.rollouts();
    if (rollouts.size() % group != 0) {
      throw new IllegalArgumentException("the batch of step " + sampled.header().getStep() + " holds "
          + rollouts.size() + " rollouts, not whole groups of " + group);
    }
    List<Problem> stepProblems = new ArrayList<>();
    for (int i = 0; i < rollouts.size(); i += group) {
      Problem p = problems.get(rollouts.get(i).getPromptId());
      if (p == null) {
        throw new IllegalArgumentException("rollout of unknown problem '" + rollouts.get(i).getPromptId() + "'");
      }
      stepProblems.add(p);
    }
    List<RolloutReader.Batch> parts = new ArrayList<>();
    for (Shard shard : shards(c, stepProblems)) {
      RolloutReader.Batch part = new RolloutReader.Batch(sampled.header(),
          rollouts.subList(shard.from() * group, shard.to() * group));
      parts.add(score(part, shard, problems, initial, head, tok, producer));
    }
    return merge(parts);
  }

  /** Scores one shard of a sampled step (its rollouts under the step's header). */
  public static RolloutReader.Batch score(RolloutReader.Batch sampled, Shard shard, Map<String, Problem> problems,
      PolicyModel initial, TeacherHead head, TaskTokenizer tok, String producer) throws IOException {
    RunConfig c = config(sampled);
    List<Rollout> scored = ScoreStage.run(sampled.rollouts(), problems, initial, tok, c, Method.of(c.method()),
        sampled.header().getSeed(), shard.firstAnalysis());
    BatchHeader.Builder h = sampled.header().toBuilder().setStage("score").setProducer(producer).clearTeacherHead();
    if (scored.stream().anyMatch(r -> r.getTeachersList().stream().anyMatch(t -> t.getHiddenSize() > 0))) {
      h.setTeacherHead(head.digest());
    }
    return new RolloutReader.Batch(h.build(), scored);
  }

  /** One batch of a step's shards, in order; their headers must agree. */
  public static RolloutReader.Batch merge(List<RolloutReader.Batch> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no shards to merge");
    }
    BatchHeader header = parts.get(0).header();
    List<Rollout> rollouts = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      if (!parts.get(i).header().equals(header)) {
        throw new IllegalArgumentException("shard " + i + " of step " + header.getStep() + " was written under"
            + " another header than shard 0 (another stage, step, policy or configuration)");
      }
      rollouts.addAll(parts.get(i).rollouts());
    }
    return new RolloutReader.Batch(header, rollouts);
  }

  /**
   * The update of step {@code batch.step}: the method's loss on the scored batch, back-propagated,
   * one AdamW step at the schedule's rate. {@code head} is the run's frozen head, needed (and
   * checked against the header) when the batch's teachers kept hidden states; else it may be null.
   */
  public static StepStats update(RolloutReader.Batch scored, PolicyModel policy, AdamW opt, KernelBackend kernels,
      TeacherHead head, double seconds) {
    if (!scored.header().getStage().equals("score")) {
      throw new IllegalArgumentException("the update stage needs a scored batch; this one was written by the '"
          + scored.header().getStage() + "' stage");
    }
    RunConfig c = config(scored);
    long step = scored.header().getStep();
    if (opt.steps() != step) {
      throw new IllegalArgumentException("the batch belongs to step " + step + " but the policy has taken "
          + opt.steps() + " optimizer steps");
    }
    String named = scored.header().getTeacherHead();
    if (!named.isEmpty()) {
      if (head == null) {
        throw new IllegalArgumentException("the batch of step " + step + " holds teacher hidden states: the update"
            + " needs the run's initial model for its frozen head (" + named + ")");
      }
      head.check(named, "the batch of step " + step);
    }
    long start = System.nanoTime();
    StepStats.Builder stats = new StepStats.Builder();
    int[] think = c.maskThinkingTokens() ? scored.header().getThinkTokenIdsList().stream().mapToInt(Integer::intValue)
        .toArray() : new int[0];
    UpdateStage.run(policy, opt, kernels, scored.rollouts(), Method.of(c.method()), c, named.isEmpty() ? null : head,
        think, schedule(c).at(step), stats);
    double reward = 0;
    int correct = 0;
    for (Rollout r : scored.rollouts()) {
      reward += r.getReward();
      correct += r.getCorrect() ? 1 : 0;
      stats.tokens += r.getCompletionTokensCount();
    }
    int n = Math.max(1, scored.rollouts().size());
    stats.reward = reward / n;
    stats.accuracy = (double) correct / n;
    return stats.build(step + 1, seconds + (System.nanoTime() - start) / 1e9);
  }

  /** The learning rate of every update step of a run. */
  public static LearningRate schedule(RunConfig c) {
    RunConfig.Optimizer o = c.optimizer();
    return new LearningRate(o.learningRate(), o.warmupSteps(), c.steps(), o.decay(), o.minRatio());
  }

  /** The cursor after a batch's problems: where the next step starts. */
  public static Cursor cursorAfter(RolloutReader.Batch b) {
    return new Cursor(b.header().getDataCursor().getEpoch(), b.header().getDataCursor().getPosition());
  }

  /** The resolved configuration a batch was sampled under. */
  public static RunConfig config(RolloutReader.Batch b) {
    if (b.header().getConfigJson().isEmpty()) {
      throw new IllegalArgumentException("the rollout batch of step " + b.header().getStep()
          + " carries no configuration (config_json); it was not written by a training run");
    }
    return RunConfig.fromJson(b.header().getConfigJson());
  }

  public static void write(Path file, RolloutReader.Batch b) throws IOException {
    try (RolloutWriter w = RolloutWriter.create(file, b.header())) {
      for (Rollout r : b.rollouts()) {
        w.write(r);
      }
      w.commit();
    }
  }

  /** Reads a batch and checks it came from the stage that should precede the reader's. */
  public static RolloutReader.Batch read(Path file, String stage) throws IOException {
    RolloutReader.Batch b = RolloutReader.readAll(file);
    if (!b.header().getStage().equals(stage)) {
      throw new FormatException(file, "written by the '" + b.header().getStage() + "' stage, expected '" + stage
          + "'");
    }
    return b;
  }
}
