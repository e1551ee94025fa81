package dev.rcsd.cli;

import dev.rcsd.engine.cluster.Cluster;
import dev.rcsd.engine.compare.Comparison;
import dev.rcsd.engine.compare.ComparisonReport;
import dev.rcsd.engine.compare.RunSummary;
import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.engine.rl.RunStoppedException;
import dev.rcsd.engine.rl.StepStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rcsd compare}: several methods and seeds from one initial model with equal budgets; report and plot. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train every method for every seed from one shared initial model with the same rollout budget,"
        + " then write DIR/report.md (held-out accuracy and rubric score, mean ± sd over seeds, wall time, tokens)"
        + " and DIR/accuracy.png. Interrupted comparisons resume: finished runs are kept, unfinished ones resumed."})
final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--methods", split = ",", paramLabel = "M,M", description = "Default: ${DEFAULT-VALUE}.")
  List<String> methods = List.of("grpo", "opsd", "rcsd", "rcsd-criteria");

  @Option(names = "--variant", paramLabel = "NAME=FILE.json", description = "An arm of its own: the method and"
      + " overrides in FILE.json (over --config), run in DIR/runs/NAME (repeatable), e.g. an ablation.")
  Map<String, Path> variants = new LinkedHashMap<>();

  @Option(names = "--seeds", paramLabel = "N", description = "Seeds 1..N per method (default: ${DEFAULT-VALUE}).")
  int seeds = 3;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Option(names = "--steps", paramLabel = "N", description = "Steps of every run (default: each method's, 60).")
  Integer steps;

  @Option(names = "--config", paramLabel = "FILE.json", description = "Overrides applied to every method.")
  Path config;

  @Option(names = "--init", paramLabel = "CKPT", description = "Shared initial model instead of the SFT warm-up.")
  Path init;

  @Option(names = "--data", paramLabel = "DIR", description = "train.jsonl and test.jsonl instead of the built-in"
      + " generator.")
  Path data;

  @Mixin BackendChoice choice;

  @Mixin DeviceChoice deviceChoice;

  @Mixin SparkChoice spark;

  @Override
  public Integer call() throws IOException {
    deviceChoice.apply();
    Map<String, Object> flags = new LinkedHashMap<>();
    if (steps != null) {
      flags.put("steps", steps);
    }
    if (init != null) {
      flags.put("init", init.toAbsolutePath().toString());
    }
    if (data != null) {
      flags.put("data", data.toAbsolutePath().toString());
    }
    String overrides = config == null ? null : Files.readString(config);
    PrintWriter log = spec.commandLine().getOut();
    List<RunSummary> runs;
    try (StopSignals signals = StopSignals.install(spec.commandLine().getErr());
        Progress progress = new Progress(log, signals);
        Cluster cluster = spark.connect("rcsd compare " + out.getFileName())) {
      Comparison c = new Comparison(out, progress, choice.options(), Rcsd.producer(),
          cluster == null ? null : cluster.comparisonRuns());
      Map<String, String> arms = new LinkedHashMap<>();
      for (Map.Entry<String, Path> v : variants.entrySet()) {
        arms.put(v.getKey(), Files.readString(v.getValue()));
      }
      Comparison.Plan plan = new Comparison.Plan(methods, arms, seeds, overrides, flags);
      try {
        c.configs(plan);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((config == null ? "" : config + ": ") + e.getMessage(), e);
      }
      try {
        runs = c.run(plan);
      } catch (RunStoppedException e) {
        spec.commandLine().getErr().println("rcsd: " + e.getMessage() + " (the comparison resumes with the same"
            + " command)");
        return signals.exitCode();
      }
    }
    log.print(ComparisonReport.render(runs));
    log.printf("%nwrote %s and %s%n", out.resolve("report.md"), out.resolve("accuracy.png"));
    log.flush();
    return 0;
  }

  /** The runs' progress: a header per run, then the train command's bars or lines. */
  static final class Progress implements Comparison.Listener, AutoCloseable {
    private final PrintWriter log;
    private final TrainCommand.Progress inner;

    Progress(PrintWriter log, StopSignals signals) {
      this.log = log;
      this.inner = new TrainCommand.Progress(log, signals);
    }

    @Override
    public boolean stopRequested() {
      return inner.stopRequested();
    }

    @Override
    public void run(String method, long seed, int index, int total) {
      inner.close();
      log.printf("[%d/%d] %s, seed %d%n", index, total, method, seed);
      log.flush();
    }

    @Override
    public void phase(String name, long done, int total) {
      inner.phase(name, done, total);
    }

    @Override
    public void warmupStep(int step, double loss, double lr, double tokensPerSecond) {
      inner.warmupStep(step, loss, lr, tokensPerSecond);
    }

    @Override
    public void step(StepStats s, Evaluation.Report eval) {
      inner.step(s, eval);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
