package dev.rcsd.engine.compare;

import dev.rcsd.engine.rl.InitialModel;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.RunLock;
import dev.rcsd.engine.rl.TaskData;
import dev.rcsd.engine.rl.Trainer;
import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Methods against each other on equal terms: one shared initial model (DIR/init.ckpt, the SFT
 * warm-up or a copy of --init), the same steps and rollouts per step for every method, seeds
 * 1..N; each (method, seed) is an ordinary run in DIR/runs/METHOD/seed-S, so an interrupted
 * comparison resumes where it stopped. Besides the methods, named variants (a method with overrides
 * of its own, e.g. an ablation) run as arms of their own in DIR/runs/NAME/seed-S. Writes
 * DIR/report.md and DIR/accuracy.png.
 */
public final class Comparison {
  /**
   * Which runs: {@code overrides} (JSON, may be null) and {@code flags} apply to every arm;
   * {@code variants} maps an arm's name to its own overrides (JSON naming its method), applied on
   * top of {@code overrides}.
   */
  public record Plan(List<String> methods, Map<String, String> variants, int seeds, String overrides,
      Map<String, Object> flags) {
    public Plan(List<String> methods, int seeds, String overrides, Map<String, Object> flags) {
      this(methods, Map.of(), seeds, overrides, flags);
    }

    /** Arm names in order: the methods, then the variants. */
    List<String> arms() {
      List<String> out = new ArrayList<>(methods);
      out.addAll(variants.keySet());
      return out;
    }
  }


  /** What a comparison reports as it goes. */
  public interface Listener extends Trainer.Listener {
    default void run(String method, long seed, int index, int total) {}
  }

  /** One run of the comparison: an arm with one seed, the {@code index}-th of {@code total}. */
  public record Job(String arm, RunConfig config, Path dir, int index, int total) {}

  /**
   * Trains a comparison's unfinished runs: one after another in this process (the default), or as
   * tasks of a cluster ({@code compare --spark}), each through {@link #train(Job, Trainer.Listener,
   * BackendOptions, String)}.
   */
  @FunctionalInterface
  public interface Runs {
    void train(List<Job> jobs, Listener listener, BackendOptions backendOptions, String producer) throws IOException;
  }

  private static final Runs IN_THIS_PROCESS = (jobs, listener, options, producer) -> {
    for (Job job : jobs) {
      listener.run(job.arm(), job.config().seed(), job.index(), job.total());
      train(job, listener, options, producer);
    }
  };

  private final Path dir;
  private final Listener listener;
  private final BackendOptions backendOptions;
  private final String producer;
  private final Runs runs;

  public Comparison(Path dir, Listener listener, BackendOptions backendOptions, String producer) {
    this(dir, listener, backendOptions, producer, null);
  }

  /** A comparison whose runs {@code runs} trains (null: one after another in this process). */
  public Comparison(Path dir, Listener listener, BackendOptions backendOptions, String producer, Runs runs) {
    this.dir = dir;
    this.listener = listener;
    this.backendOptions = backendOptions;
    this.producer = producer;
    this.runs = runs == null ? IN_THIS_PROCESS : runs;
  }

  /** Trains one run: starts it, or resumes it where an earlier attempt stopped. */
  public static void train(Job job, Trainer.Listener listener, BackendOptions options, String producer)
      throws IOException {
    Trainer t = new Trainer(job.dir(), listener, options, producer);
    if (new RunDir(job.dir()).exists()) {
      t.resume();
    } else {
      t.start(job.config());
    }
  }

  public Path init() {
    return dir.resolve("init.ckpt");
  }

  /** The folder of an arm's (a method's or a variant's) run with one seed. */
  public RunDir run(String arm, long seed) {
    return new RunDir(dir.resolve("runs").resolve(arm).resolve("seed-" + seed));
  }

  /** Every arm's configurations by seed, checked for equal budgets before anything is trained. */
  public Map<String, List<RunConfig>> configs(Plan p) {
    if (p.arms().isEmpty() || p.seeds() < 1) {
      throw new IllegalArgumentException("compare needs at least one method and one seed");
    }
    Map<String, List<RunConfig>> out = new LinkedHashMap<>();
    for (String arm : p.arms()) {
      String variant = p.variants().get(arm);
      if (variant != null && (RunConfig.METHODS.contains(arm) || !arm.matches("[A-Za-z0-9._-]+"))) {
        throw new IllegalArgumentException("variant name '" + arm + "' must differ from the methods and use only"
            + " letters, digits, '.', '_' and '-'");
      }
      List<RunConfig> seeds = new ArrayList<>();
      for (long s = 1; s <= p.seeds(); s++) {
        Map<String, Object> flags = new LinkedHashMap<>(p.flags());
        flags.put("seed", s);
        flags.put("init", init().toAbsolutePath().toString());
        seeds.add(resolve(p, arm, flags));
      }
      out.put(arm, seeds);
    }
    String firstArm = out.keySet().iterator().next();
    RunConfig first = out.get(firstArm).get(0);
    for (Map.Entry<String, List<RunConfig>> e : out.entrySet()) {
      RunConfig c = e.getValue().get(0);
      if (c.steps() != first.steps() || c.rolloutsPerStep() != first.rolloutsPerStep()) {
        throw new IllegalArgumentException("unequal budgets: " + firstArm + " samples " + first.steps() + " x "
            + first.rolloutsPerStep() + " rollouts, " + e.getKey() + " " + c.steps() + " x " + c.rolloutsPerStep()
            + "; set prompts_per_step and samples_per_prompt so that every method samples as many");
      }
    }
    return out;
  }

  /** An arm's configuration: a method's defaults or a variant's, under the plan's overrides and {@code flags}. */
  private static RunConfig resolve(Plan p, String arm, Map<String, Object> flags) {
    String variant = p.variants().get(arm);
    try {
      return variant == null ? RunConfig.resolve(arm, p.overrides(), flags)
          : RunConfig.resolve(null, java.util.Arrays.asList(p.overrides(), variant), flags);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(arm + ": " + e.getMessage(), e);
    }
  }

  /** Trains (or resumes, or skips when finished) every run, then writes the report and the plot. */
  public List<RunSummary> run(Plan p) throws IOException {
    Map<String, List<RunConfig>> configs = configs(p);
    try (RunLock lock = RunLock.acquire(dir)) {
      return runLocked(p, configs);
    }
  }

  private List<RunSummary> runLocked(Plan p, Map<String, List<RunConfig>> configs) throws IOException {
    // the shared initial model: the user's --init (flag or configuration), else the warm-up
    RunConfig user = resolve(p, p.arms().get(0), p.flags());
    InitialModel.ensure(init(), user, TaskData.load(user), listener, producer);
    int total = configs.values().stream().mapToInt(List::size).sum();
    int index = 0;
    List<Job> unfinished = new ArrayList<>();
    for (Map.Entry<String, List<RunConfig>> arm : configs.entrySet()) {
      for (RunConfig c : arm.getValue()) {
        RunDir run = run(arm.getKey(), c.seed());
        index++;
        if (!Files.isRegularFile(run.eval())) {
          unfinished.add(new Job(arm.getKey(), c, run.root(), index, total));
        }
      }
    }
    runs.train(unfinished, listener, backendOptions, producer);
    List<RunSummary> out = new ArrayList<>();
    for (Map.Entry<String, List<RunConfig>> arm : configs.entrySet()) {
      for (RunConfig c : arm.getValue()) {
        out.add(RunSummary.read(run(arm.getKey(), c.seed()), arm.getKey()));
      }
    }
    ComparisonReport.write(dir.resolve("report.md"), out);
    AccuracyPlot.write(dir.resolve("accuracy.png"), out);
    return out;
  }
}
