package dev.rcsd.cli;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.rl.Cursor;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunLock;
import dev.rcsd.engine.rl.Stages;
import dev.rcsd.engine.rl.StepStats;
import dev.rcsd.engine.rl.TaskData;
import dev.rcsd.engine.rl.TeacherHead;
import dev.rcsd.engine.rl.Trainer;
import dev.rcsd.engine.rl.TrainingCheckpoint;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.rollout.RolloutReader;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rcsd stage sample|score|update}: one stage of a training step, from files to a file,
 * exactly as the train loop runs it.
 */
@Command(name = "stage", mixinStandardHelpOptions = true,
    description = "Run one stage of a training step from files: sample -> score -> update.",
    subcommands = {StageCommand.Sample.class, StageCommand.Score.class, StageCommand.Update.class})
final class StageCommand {
  private StageCommand() {}

  @Command(name = "sample", mixinStandardHelpOptions = true,
      description = "The policy samples the next step's rollouts (a rollout file of stage 'sample').")
  static final class Sample implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "CKPT",
        description = "A training checkpoint (its configuration, step and data cursor are used), or a model to start"
            + " from at step 0.")
    Path policy;

    @Option(names = "--out", required = true, paramLabel = "FILE.rollouts")
    Path out;

    @Option(names = "--method", paramLabel = "M", description = "When --policy is not a training checkpoint.")
    String method;

    @Option(names = "--config", paramLabel = "FILE.json", description = "When --policy is not a training checkpoint:"
        + " overrides of the method's defaults (a run's config.json works).")
    Path config;

    @Override
    public Integer call() throws IOException {
      try (RunLock lock = RunLock.forFile(out)) { // one writer per output
        return write();
      }
    }

    private Integer write() throws IOException {
      RunConfig c;
      long step = 0;
      Cursor cursor = Cursor.START;
      if (isTrainingCheckpoint(policy)) {
        if (method != null || config != null) {
          throw new IllegalArgumentException(policy + " is a training checkpoint: it carries its configuration;"
              + " drop --method and --config");
        }
        TrainingCheckpoint.State s = TrainingCheckpoint.state(policy);
        c = s.config();
        step = s.step();
        cursor = s.cursor();
      } else {
        if (method == null && config == null) {
          throw new IllegalArgumentException(policy + " is not a training checkpoint: give --method or --config");
        }
        c = RunConfig.resolve(method, config == null ? null : Files.readString(config));
      }
      TaskData data = TaskData.load(c);
      RolloutReader.Batch b;
      try (TaskTokenizer tok = ModelTokenizer.of(policy).withTemplateVariables(c.chatTemplateVariables());
          PolicyModel m = PolicyModel.load(policy)) {
        b = Stages.sample(m, tok, data, c, step, cursor, policy.toString(), Rcsd.producer());
      }
      Stages.write(out, b);
      PrintWriter log = spec.commandLine().getOut();
      log.printf("%s: %d rollouts of step %d (%s)%n", out, b.rollouts().size(), step, c.method());
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Grade a sampled batch and add the initial model's reference and teacher passes.")
  static final class Score implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE.rollouts", description = "A batch of stage 'sample'.")
    Path in;

    @Option(names = "--init", paramLabel = "CKPT", description = "The run's initial model, the frozen teacher and"
        + " reference (default: the configuration's init).")
    Path init;

    @Option(names = "--out", required = true, paramLabel = "FILE.rollouts")
    Path out;

    @Override
    public Integer call() throws IOException {
      try (RunLock lock = RunLock.forFile(out)) { // one writer per output
        return write();
      }
    }

    private Integer write() throws IOException {
      RolloutReader.Batch sampled = Stages.read(in, "sample");
      RunConfig c = Stages.config(sampled);
      Path teacher = init != null ? init : c.init().isEmpty() ? null : Path.of(c.init());
      if (teacher == null) {
        throw new IllegalArgumentException("the run was warmed up by SFT: give its initial model with --init"
            + " (RUN_DIR/checkpoints/init.ckpt)");
      }
      TaskData data = TaskData.load(c);
      RolloutReader.Batch scored;
      try (TaskTokenizer tok = ModelTokenizer.of(teacher).withTemplateVariables(c.chatTemplateVariables());
          PolicyModel m = PolicyModel.load(teacher)) {
        scored = Stages.score(sampled, data.byId(), m, TeacherHead.of(m), tok, Rcsd.producer());
      }
      Stages.write(out, scored);
      double reward = scored.rollouts().stream().mapToDouble(r -> r.getReward()).average().orElse(Double.NaN);
      spec.commandLine().getOut().printf(Locale.ROOT, "%s: %d rollouts of step %d scored, mean reward %.3f%n", out,
          scored.rollouts().size(), scored.header().getStep(), reward);
      return 0;
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "One optimizer step of the policy on a scored batch; writes the next training checkpoint.")
  static final class Update implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE.rollouts", description = "A batch of stage 'score'.")
    Path in;

    @Option(names = "--policy", required = true, paramLabel = "CKPT",
        description = "The policy that sampled the batch: a training checkpoint, or the initial model at step 0.")
    Path policy;

    @Option(names = "--out", required = true, paramLabel = "NEXT.ckpt")
    Path out;

    @Option(names = "--init", paramLabel = "CKPT",
        description = "The run's initial model, whose frozen head turns teachers' stored hidden states into logits"
            + " (needed when the batch's teachers kept hidden states; default: the run's init from the batch).")
    Path init;

    @Mixin BackendChoice choice;

    @Override
    public Integer call() throws IOException {
      try (RunLock lock = RunLock.forFile(out)) { // one writer per output
        return write();
      }
    }

    private Integer write() throws IOException {
      RolloutReader.Batch scored = Stages.read(in, "score");
      RunConfig c = Stages.config(scored);
      StepStats stats;
      try (PolicyModel m = Trainer.policy(policy, c);
          AdamW opt = new AdamW(m.block(), m.manager(), c.adamW());
          KernelBackend kernels = Backends.open(c.backend(), choice.options())) {
        if (isTrainingCheckpoint(policy)) {
          TrainingCheckpoint.load(policy, m, opt); // the optimizer's moments and step; otherwise a fresh AdamW
        }
        if (scored.header().getTeacherHead().isEmpty()) {
          stats = Stages.update(scored, m, opt, kernels, null, 0);
        } else {
          Path frozen = init != null ? init : c.init().isEmpty() ? null : Path.of(c.init());
          if (frozen == null) {
            throw new IllegalArgumentException(in + ": its teachers kept hidden states and the run was warmed up by"
                + " SFT: give its initial model with --init (RUN_DIR/checkpoints/init.ckpt)");
          }
          try (PolicyModel initial = PolicyModel.load(frozen)) {
            stats = Stages.update(scored, m, opt, kernels, TeacherHead.of(initial), 0);
          }
        }
        TrainingCheckpoint.save(out, m, opt, new TrainingCheckpoint.State(stats.step(), c.method(), c,
            Stages.cursorAfter(scored)), ModelTokenizer.companions(policy), Rcsd.producer());
      }
      spec.commandLine().getOut().printf(Locale.ROOT, "%s: step %d of %s, loss %.5f, reward %.3f, grad norm %.4f%n",
          out, stats.step(), c.method(), stats.loss(), stats.reward(), stats.gradNorm());
      return 0;
    }
  }

  static boolean isTrainingCheckpoint(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      return false;
    }
    try (CheckpointReader r = CheckpointReader.open(file)) {
      return r.header().hasTraining() && r.header().getTraining().hasOptimizer();
    }
  }
}
