package dev.rcsd.engine.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonReportTest {
  static RunSummary run(String method, long seed, double accuracy, double sampled, int samples) {
    return new RunSummary(method, seed, 60, accuracy, 0.7, 0.3, 0.65, 400, 0.6, 0.6, sampled, 0.25, samples, 100,
        5000, List.of());
  }

  @Test
  void sampledAccuracyGetsItsOwnTablePairedBySeed() {
    String md = ComparisonReport.render(List.of(run("grpo", 1, 0.34, 0.30, 4), run("grpo", 2, 0.32, 0.28, 4),
        run("rcsd", 1, 0.30, 0.33, 4), run("rcsd", 2, 0.31, 0.32, 4)));
    assertTrue(md.contains("## Sampled held-out accuracy"), md);
    assertTrue(md.contains("4 samples per problem"), md);
    assertTrue(md.contains("the initial model: 25.0%"), md);
    // rcsd - grpo on the sampled metric: +3.0 and +4.0 points, mean +3.5
    assertTrue(md.contains("| rcsd | 32.5 ± 0.7 | +3.5 ["), md);
    assertTrue(md.contains("| grpo | 1 | 34.0 | 60.0 | 70.0 | 30.0 | 100 s | 5000 |"), md);
  }

  @Test
  void runsWithoutASampledEvaluationKeepTheGreedyReport() {
    String md = ComparisonReport.render(List.of(run("grpo", 1, 0.34, Double.NaN, 0), run("rcsd", 1, 0.30, Double.NaN, 0)));
    assertFalse(md.contains("Sampled"), md);
    assertTrue(md.contains("| grpo | 1 | 34.0 | 60.0 | 70.0 | 100 s | 5000 |"), md);
  }
}
