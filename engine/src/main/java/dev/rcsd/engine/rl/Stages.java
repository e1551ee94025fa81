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

  /** Samples the step's rollouts from the problems after {@code cursor}. */
  public static RolloutReader.Batch sample(PolicyModel policy, TaskTokenizer tok, TaskData data, RunConfig c,
      long step, Cursor cursor, String policyName, String producer) {
    Cursor.Next next = cursor.next(c.promptsPerStep(), data.train().size(), c.seed());
    List<Problem> problems = new ArrayList<>();
    next.indices().forEach(i -> problems.add(data.train().get(i)));
    List<Rollout> rollouts = SampleStage.run(policy, tok, problems, c, step);
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
   * Grades the sampled batch and adds the reference and teacher passes of the initial model; a
   * batch whose teachers keep hidden states names {@code head} (the initial model's) in its header.
   */
  public static RolloutReader.Batch score(RolloutReader.Batch sampled, Map<String, Problem> problems,
      PolicyModel initial, TeacherHead head, TaskTokenizer tok, String producer) throws IOException {
    RunConfig c = config(sampled);
    List<Rollout> scored = ScoreStage.run(sampled.rollouts(), problems, initial, tok, c, Method.of(c.method()),
        sampled.header().getSeed());
    BatchHeader.Builder h = sampled.header().toBuilder().setStage("score").setProducer(producer).clearTeacherHead();
    if (scored.stream().anyMatch(r -> r.getTeachersList().stream().anyMatch(t -> t.getHiddenSize() > 0))) {
      h.setTeacherHead(head.digest());
    }
    return new RolloutReader.Batch(h.build(), scored);
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
