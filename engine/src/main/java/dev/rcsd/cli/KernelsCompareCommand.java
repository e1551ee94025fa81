package dev.rcsd.cli;

import dev.rcsd.engine.golden.GoldenComparison;
import dev.rcsd.engine.golden.GoldenTensorException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Checks the outputs of {@code kernels run} against expected ones, array by array. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compare outputs of 'kernels run' with expected .npz outputs; exit 1 naming the arrays that differ.")
final class KernelsCompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "EXPECTED.npz", description = "The expected outputs (e.g. a PyTorch dump).")
  Path expected;

  @Parameters(index = "1", paramLabel = "ACTUAL.npz", description = "What 'kernels run' wrote.")
  Path actual;

  @Option(names = "--rtol", description = "Tolerance relative to the largest |expected| of each array "
      + "(default: ${DEFAULT-VALUE}).")
  double rtol = GoldenComparison.RTOL;

  @Option(names = "--atol", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
  double atol = GoldenComparison.ATOL;

  @Override
  public Integer call() throws IOException, GoldenTensorException {
    PrintWriter out = spec.commandLine().getOut();
    List<GoldenComparison.Result> results = GoldenComparison.compare(expected, actual, rtol, atol);
    List<String> failed = results.stream().filter(r -> !r.ok()).map(GoldenComparison.Result::array).toList();
    for (GoldenComparison.Result r : results) {
      out.printf(Locale.ROOT, "%-18s %-4s max error %.3g at [%d] (expected %.8g, got %.8g; tolerance %.3g)%n",
          r.array(), r.ok() ? "ok" : "FAIL", r.error(), r.index(), r.expected(), r.actual(), r.tolerance());
    }
    out.flush();
    if (!failed.isEmpty()) {
      throw new IllegalStateException(actual + ": " + failed + " differ from " + expected);
    }
    return 0;
  }
}
