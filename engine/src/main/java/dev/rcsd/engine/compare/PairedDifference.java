package dev.rcsd.engine.compare;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The paired difference of two methods over the seeds both ran: mean of (a - b) per seed and its
 * 95% confidence interval from Student's t with n - 1 degrees of freedom.
 *
 * @param halfWidth half the interval's width; NaN with fewer than two common seeds
 */
record PairedDifference(double mean, double halfWidth, int seeds) {
  /** t_{0.975, df} for df = 1..30; beyond, the normal quantile. */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
      2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
      2.048, 2.045, 2.042};

  static PairedDifference of(List<RunSummary> a, List<RunSummary> b, ToDoubleFunction<RunSummary> f) {
    Map<Long, Double> bySeed = b.stream().collect(Collectors.toMap(RunSummary::seed, f::applyAsDouble));
    double[] d = a.stream().filter(r -> bySeed.containsKey(r.seed()))
        .mapToDouble(r -> f.applyAsDouble(r) - bySeed.get(r.seed())).toArray();
    int n = d.length;
    if (n == 0) {
      return new PairedDifference(Double.NaN, Double.NaN, 0);
    }
    double mean = 0;
    for (double x : d) {
      mean += x / n;
    }
    if (n < 2) {
      return new PairedDifference(mean, Double.NaN, n);
    }
    double ss = 0;
    for (double x : d) {
      ss += (x - mean) * (x - mean);
    }
    double t = n - 1 <= T975.length ? T975[n - 2] : 1.960;
    return new PairedDifference(mean, t * Math.sqrt(ss / (n - 1) / n), n);
  }

  /** In points: {@code +1.2 [-0.5, +2.9]}, or {@code +1.2 (1 seed)} without an interval. */
  String points() {
    if (Double.isNaN(halfWidth)) {
      return String.format(Locale.ROOT, "%+.1f (%d seed%s)", 100 * mean, seeds, seeds == 1 ? "" : "s");
    }
    return String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * mean, 100 * (mean - halfWidth),
        100 * (mean + halfWidth));
  }
}
