package dev.rcsd.engine.rl;

import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.engine.model.Lora;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.Grader;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.NonFiniteException;
import dev.rcsd.io.rollout.RolloutReader;
import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop of GRPO, OPSD, RCSD and rcsd-criteria: the initial model (SFT warm-up or
 * --init) becomes the frozen teacher and reference; every step samples, scores and updates
 * through {@link Stages}, appends to metrics.jsonl and, every checkpoint_every steps, writes a
 * training checkpoint. A run resumed from its newest complete checkpoint continues exactly as
 * the uninterrupted run would have: sampling seeds are functions of (seed, step) and the
 * checkpoint holds the parameters, the optimizer's moments and the data cursor.
 */
public final class Trainer {
  /** What the run reports as it goes. */
  public interface Listener {
    /** A phase begins: "warm-up", "training" ({@code done} of {@code total} steps done) or "evaluation". */
    default void phase(String name, long done, int total) {}

    default void warmupStep(int step, double loss, double lr, double tokensPerSecond) {}

    default void step(StepStats s, Evaluation.Report eval) {}

    /** Whether the run should stop at its next safe point (checked before every step and before evaluating). */
    default boolean stopRequested() {
      return false;
    }
  }

  /**
   * The outcome of a finished run: the final and initial models' evaluation on the test split and
   * on as many problems of the train split, and the test split's sampled evaluation of both (null
   * unless {@code eval_sampling} asks for it).
   */
  public record Result(RunConfig config, Path checkpoint, Evaluation.Report initial, Evaluation.Report fin,
      Evaluation.Report initialTrain, Evaluation.Report finTrain, Evaluation.Report initialSampled,
      Evaluation.Report finSampled) {}

  private final RunDir dir;
  private final Listener listener;
  private final BackendOptions backendOptions;
  private final String producer;
  private final RolloutSource.Factory rollouts;

  public Trainer(Path root, Listener listener, BackendOptions backendOptions, String producer) {
    this(root, listener, backendOptions, producer, null);
  }

  /**
   * A trainer whose steps' rollouts come from {@code rollouts} (e.g. a cluster's tasks); null
   * samples and scores in this process.
   */
  public Trainer(Path root, Listener listener, BackendOptions backendOptions, String producer,
      RolloutSource.Factory rollouts) {
    this.dir = new RunDir(root);
    this.listener = listener;
    this.backendOptions = backendOptions;
    this.producer = producer;
    this.rollouts = rollouts;
  }

  /** Starts a new run in an empty (or absent) folder, holding the folder's lock throughout. */
  public Result start(RunConfig c) throws IOException {
    try (RunLock lock = RunLock.acquire(dir.root())) {
      if (dir.exists() || Files.isDirectory(dir.checkpoints())) {
        throw new IllegalArgumentException(dir.root() + " already holds a run: resume it with --resume or choose"
            + " another --out");
      }
      RunDir.writeString(dir.config(), c.toJson());
      return run(c);
    }
  }

  /** Continues the run in the folder from its newest complete checkpoint. */
  public Result resume() throws IOException {
    if (!dir.exists()) {
      throw new IllegalArgumentException(dir.root() + " holds no run to resume (no config.json)");
    }
    try (RunLock lock = RunLock.acquire(dir.root())) {
      RunConfig c;
      try {
        c = RunConfig.fromJson(Files.readString(dir.config()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(dir.config() + ": " + e.getMessage(), e);
      }
      return run(c);
    }
  }

  private Result run(RunConfig c) throws IOException {
    dir.removePartialFiles();
    TaskData data = TaskData.load(c);
    Map<String, Problem> problems = data.byId();
    InitialModel.ensure(dir.init(), c, data, listener, producer);
    try (TaskTokenizer tok = ModelTokenizer.of(dir.init()).withTemplateVariables(c.chatTemplateVariables());
        PolicyModel initial = PolicyModel.load(dir.init());
        PolicyModel policy = policy(dir.init(), c);
        AdamW opt = new AdamW(policy.block(), policy.manager(), c.adamW());
        KernelBackend kernels = Backends.open(c.backend(), backendOptions)) {
      java.util.Map<String, String> companions = ModelTokenizer.companions(dir.init());
      TeacherHead head = TeacherHead.of(initial);
      try (RolloutSource source = rollouts != null ? rollouts.open(dir, c, producer)
          : (model, step, cursor, name) -> local(model, tok, data, c, step, cursor, name, problems, initial, head)) {
        return train(c, data, tok, initial, policy, opt, kernels, companions, head, source);
      }
    }
  }

  private Result train(RunConfig c, TaskData data, TaskTokenizer tok, PolicyModel initial, PolicyModel policy,
      AdamW opt, KernelBackend kernels, java.util.Map<String, String> companions, TeacherHead head,
      RolloutSource source) throws IOException {
    long step = 0;
    Cursor cursor = Cursor.START;
    Optional<Long> last = dir.newestCompleteCheckpoint();
    if (last.isPresent()) {
      TrainingCheckpoint.State s = TrainingCheckpoint.load(dir.checkpoint(last.get()), policy, opt);
      step = s.step();
      cursor = s.cursor();
    }
    List<Problem> evalSet = data.test().subList(0, Math.min(c.evalProblems(), data.test().size()));
    try (MetricsLog metrics = MetricsLog.open(dir.metrics(), step)) {
      double wallStart = System.nanoTime() / 1e9 - metrics.wallTime();
      if (step == 0 && c.evalEvery() > 0 && !evalSet.isEmpty()) {
        Evaluation.Report eval = evaluate(policy, tok, c, evalSet);
        metrics.appendEvaluation(0, System.nanoTime() / 1e9 - wallStart, eval);
      }
      listener.phase("training", step, c.steps());
      long saved = step;
      while (step < c.steps()) {
        if (listener.stopRequested()) {
          if (saved < step) {
            metrics.sync();
            save(policy, opt, c, step, cursor, companions);
          }
          throw new RunStoppedException(dir.root(), step);
        }
        long started = System.nanoTime();
        String policyName = "step " + step + " of " + dir.root().getFileName();
        RolloutSource.Step produced = source.produce(policy, step, cursor, policyName);
        Stages.write(dir.rollouts(step + 1, "sample"), produced.sampled());
        RolloutReader.Batch scored = produced.scored();
        Stages.write(dir.rollouts(step + 1, "score"), scored);
        dir.keepRolloutsOf(step + 1);
        double before = (System.nanoTime() - started) / 1e9;
        StepStats stats;
        try {
          stats = Stages.update(scored, policy, opt, kernels, head, before);
        } catch (NonFiniteException e) {
          if (saved < step) {
            save(policy, opt, c, step, cursor, companions);
          }
          throw new TrainingStoppedException("step " + (step + 1) + " of " + c.method() + ": " + e.getMessage()
              + "; stopped. The last good checkpoint is " + dir.checkpoint(step) + " (steps before it are intact)", e);
        }
        step++;
        cursor = Stages.cursorAfter(scored);
        Evaluation.Report eval = null;
        if (c.evalEvery() > 0 && step % c.evalEvery() == 0 && !evalSet.isEmpty()) {
          eval = evaluate(policy, tok, c, evalSet);
        }
        metrics.append(stats, System.nanoTime() / 1e9 - wallStart, eval);
        listener.step(stats, eval);
        if (step % c.checkpointEvery() == 0 || step == c.steps()) {
          metrics.sync();
          save(policy, opt, c, step, cursor, companions);
          saved = step;
        }
      }
    }
    if (listener.stopRequested()) {
      throw new RunStoppedException(dir.root(), step); // the last step is checkpointed; resuming evaluates
    }
    listener.phase("evaluation", 0, 4);
    List<Problem> trainSample = data.train().subList(0, Math.min(data.train().size(), data.test().size()));
    Evaluation.Report fin = evaluate(policy, tok, c, data.test());
    Evaluation.Report init = evaluate(initial, tok, c, data.test());
    Evaluation.Report finTrain = evaluate(policy, tok, c, trainSample);
    Evaluation.Report initTrain = evaluate(initial, tok, c, trainSample);
    Evaluation.Report finSampled = null;
    Evaluation.Report initSampled = null;
    if (c.evalSampling().samples() > 0) {
      listener.phase("sampled evaluation", 0, 2);
      Evaluation.Decoding decoding = c.evalSampling().decoding(c.dataSeed());
      finSampled = evaluate(policy, tok, c, data.test(), decoding);
      initSampled = evaluate(initial, tok, c, data.test(), decoding);
    }
    EvalFile.write(dir.eval(), step, fin, init, finTrain, initTrain, finSampled, initSampled);
    return new Result(c, dir.checkpoint(step), init, fin, initTrain, finTrain, initSampled, finSampled);
  }

  /** A step sampled and scored in this process. */
  private RolloutSource.Step local(PolicyModel policy, TaskTokenizer tok, TaskData data, RunConfig c, long step,
      Cursor cursor, String policyName, Map<String, Problem> problems, PolicyModel initial, TeacherHead head)
      throws IOException {
    RolloutReader.Batch sampled = Stages.sample(policy, tok, data, c, step, cursor, policyName, producer);
    return new RolloutSource.Step(sampled, Stages.score(sampled, problems, initial, head, tok, producer));
  }

  private void save(PolicyModel policy, AdamW opt, RunConfig c, long step, Cursor cursor,
      java.util.Map<String, String> companions)
      throws IOException {
    TrainingCheckpoint.save(dir.checkpoint(step), policy, opt, new TrainingCheckpoint.State(step, c.method(), c, cursor),
        companions, producer);
  }

  /**
   * The policy a run starts from: the initial model, with fresh LoRA adapters when the run trains
   * them (seeded by the run's seed). A checkpoint of the run then holds the adapters too.
   */
  public static PolicyModel policy(Path init, RunConfig c) throws IOException {
    PolicyModel base = PolicyModel.load(init);
    Lora lora = c.lora().adapters();
    if (lora == null || base.config().lora() != null) {
      return base;
    }
    try (base) {
      return base.withAdapters(lora, c.seed());
    }
  }

  static Evaluation.Report evaluate(PolicyModel model, TaskTokenizer tok, RunConfig c, List<Problem> problems) {
    return evaluate(model, tok, c, problems, Evaluation.Decoding.GREEDY);
  }

  static Evaluation.Report evaluate(PolicyModel model, TaskTokenizer tok, RunConfig c, List<Problem> problems,
      Evaluation.Decoding decoding) {
    return Evaluation.run(model, tok, c.prompts(), problems, "student", c.sampling().maxNewTokens(), 64,
        new Grader(c.strictAnswers()), decoding);
  }
}
