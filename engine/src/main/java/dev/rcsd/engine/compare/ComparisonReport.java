package dev.rcsd.engine.compare;

import dev.rcsd.engine.rl.RunDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * report.md: per method, accuracy and mean rubric score on the held-out split and accuracy on as
 * many train-split problems (mean ± sample standard deviation over seeds), the paired difference
 * to each baseline with its 95% interval, wall time and completion tokens per run; the same for the
 * sampled held-out accuracy where the runs measured it ({@code eval_sampling}); then every run's
 * numbers.
 */
public final class ComparisonReport {
  private ComparisonReport() {}

  /** Mean and sample standard deviation (0 for one value). */
  record Stat(double mean, double sd) {
    static Stat of(List<RunSummary> runs, ToDoubleFunction<RunSummary> f) {
      double[] x = runs.stream().mapToDouble(f).toArray();
      double mean = 0;
      for (double v : x) {
        mean += v / x.length;
      }
      double ss = 0;
      for (double v : x) {
        ss += (v - mean) * (v - mean);
      }
      return new Stat(mean, x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0);
    }

    String percent() {
      return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * sd);
    }
  }

  static Map<String, List<RunSummary>> byMethod(List<RunSummary> runs) {
    Map<String, List<RunSummary>> out = new LinkedHashMap<>();
    for (RunSummary r : runs) {
      out.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  public static String render(List<RunSummary> runs) {
    Map<String, List<RunSummary>> methods = byMethod(runs);
    RunSummary any = runs.get(0);
    StringBuilder md = new StringBuilder();
    md.append("# Method comparison\n\n");
    md.append(String.format(Locale.ROOT, "Every run starts from the same initial model (accuracy %.1f%%, mean rubric score"
        + " %.1f%% on the %d held-out problems; %.1f%% on as many train-split problems) and takes %d steps; seeds %s."
        + " Accuracy and rubric score: greedy decoding of the final policy on the held-out split (train: on the"
        + " train split), in percent, mean ± sd over seeds. Differences to a baseline are paired by seed, in points,"
        + " with their 95%% t interval.%n%n",
        100 * any.initialAccuracy(), 100 * any.initialRubricScore(), any.testProblems(),
        100 * any.initialTrainAccuracy(), any.steps(),
        methods.values().iterator().next().stream().map(r -> String.valueOf(r.seed())).toList()));
    List<String> baselines = new ArrayList<>();
    for (String b : List.of("grpo", "opsd")) {
      if (methods.containsKey(b)) {
        baselines.add(b);
      }
    }
    md.append("| method | accuracy | train accuracy | rubric score |");
    baselines.forEach(b -> md.append(" accuracy vs ").append(b).append(" |"));
    md.append(" wall time per run | completion tokens per run |\n|---|---|---|---|");
    baselines.forEach(b -> md.append("---|"));
    md.append("---|---|\n");
    for (Map.Entry<String, List<RunSummary>> e : methods.entrySet()) {
      List<RunSummary> rs = e.getValue();
      Stat acc = Stat.of(rs, RunSummary::accuracy);
      md.append("| ").append(e.getKey()).append(" | ").append(acc.percent()).append(" | ")
          .append(Stat.of(rs, RunSummary::trainAccuracy).percent()).append(" | ")
          .append(Stat.of(rs, RunSummary::rubricScore).percent()).append(" |");
      appendDifferences(md, rs, methods, baselines, RunSummary::accuracy);
      md.append(String.format(Locale.ROOT, " %.0f s | %.0f |%n", Stat.of(rs, RunSummary::wallTime).mean(),
          Stat.of(rs, r -> r.tokens()).mean()));
    }
    boolean sampled = runs.stream().allMatch(r -> r.sampledSamples() > 0);
    if (sampled) {
      md.append(String.format(Locale.ROOT, "%n## Sampled held-out accuracy%n%nThe held-out split decoded as the RCSD"
          + " authors evaluate (eval_sampling: %d samples per problem, accuracy averaged over them); the initial"
          + " model: %.1f%%. Percent, mean ± sd over seeds; differences paired by seed, in points, with their 95%%"
          + " t interval.%n%n| method | sampled accuracy |", any.sampledSamples(), 100 * any.initialSampledAccuracy()));
      baselines.forEach(b -> md.append(" vs ").append(b).append(" |"));
      md.append("\n|---|---|");
      baselines.forEach(b -> md.append("---|"));
      md.append('\n');
      for (Map.Entry<String, List<RunSummary>> e : methods.entrySet()) {
        md.append("| ").append(e.getKey()).append(" | ")
            .append(Stat.of(e.getValue(), RunSummary::sampledAccuracy).percent()).append(" |");
        appendDifferences(md, e.getValue(), methods, baselines, RunSummary::sampledAccuracy);
        md.append('\n');
      }
    }
    md.append("\n## Runs\n\n| method | seed | accuracy | train accuracy | rubric score |")
        .append(sampled ? " sampled accuracy |" : "").append(" wall time | completion tokens |\n");
    md.append("|---|---|---|---|---|").append(sampled ? "---|" : "").append("---|---|\n");
    for (RunSummary r : runs) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |", r.method(), r.seed(),
          100 * r.accuracy(), 100 * r.trainAccuracy(), 100 * r.rubricScore()));
      if (sampled) {
        md.append(String.format(Locale.ROOT, " %.1f |", 100 * r.sampledAccuracy()));
      }
      md.append(String.format(Locale.ROOT, " %.0f s | %d |%n", r.wallTime(), r.tokens()));
    }
    md.append("\nAccuracy against steps (on the evaluation subset, mean over seeds): accuracy.png.\n");
    return md.toString();
  }

  /** One table cell per baseline: the paired difference of {@code f} between {@code rs} and the baseline's runs. */
  private static void appendDifferences(StringBuilder md, List<RunSummary> rs, Map<String, List<RunSummary>> methods,
      List<String> baselines, ToDoubleFunction<RunSummary> f) {
    for (String b : baselines) {
      md.append(' ').append(PairedDifference.of(rs, methods.get(b), f).points()).append(" |");
    }
  }

  public static void write(Path file, List<RunSummary> runs) throws IOException {
    RunDir.writeString(file, render(runs));
  }
}
