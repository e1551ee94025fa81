package dev.rcsd.cli;

import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.train.LossPathBench;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Times one update's loss path (hidden states in, gradients of hidden states and head out) and
 * measures the memory it adds, for the full-logits path or the chunked one. Run each path in its
 * own process: the peak is the process's.
 */
@Command(name = "bench-loss-path", mixinStandardHelpOptions = true,
    description = "Time the update's loss path (GRPO on h W^T, backward into h and W) and measure its peak memory.")
final class BenchLossPathCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--path", description = "chunked or full-logits (default: ${DEFAULT-VALUE}).")
  String path = LossPathBench.CHUNKED;

  @Option(names = "--rows", description = "Completion tokens N (default: ${DEFAULT-VALUE}).")
  int rows = 4096;

  @Option(names = "--hidden", description = "Hidden size H (default: ${DEFAULT-VALUE}, Qwen3-0.6B).")
  int hidden = 1024;

  @Option(names = "--vocab", description = "Vocabulary V (default: ${DEFAULT-VALUE}, Qwen3).")
  int vocab = 151_936;

  @Option(names = "--chunk-rows", description = "Rows per chunk; 0: from the default update.logits_budget_mb "
      + "(default: ${DEFAULT-VALUE}).")
  int chunkRows = 0;

  @Option(names = "--reps", description = "Passes to time (default: ${DEFAULT-VALUE}).")
  int reps = 3;

  @Option(names = "--backend", description = "Kernel backend (default: ${DEFAULT-VALUE}).")
  String backend = "simd";

  @Mixin BackendChoice choice;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    int chunk = chunkRows > 0 ? chunkRows : RunConfig.Update.DEFAULTS.chunkRows(vocab, 0);
    try (KernelBackend kernels = Backends.open(backend, choice.options())) {
      LossPathBench.Result r = LossPathBench.run(path, rows, hidden, vocab, chunk, reps, kernels);
      out.printf(Locale.ROOT, "path %s  N=%d H=%d V=%d%s  backend %s%n", r.path(), r.rows(), r.hidden(), r.vocab(),
          r.path().equals(LossPathBench.CHUNKED) ? "  chunk " + r.chunkRows() + " rows" : "", kernels.name());
      for (int i = 0; i < r.seconds().size(); i++) {
        out.printf(Locale.ROOT, "  pass %d: %.2f s%n", i + 1, r.seconds().get(i));
      }
      out.printf(Locale.ROOT, "median %.2f s; loss %.6f; resident before %.0f MiB, peak %.0f MiB: "
          + "the loss path added %.0f MiB%n", r.medianSeconds(), r.loss(), r.rssBeforeKb() / 1024.0,
          r.peakKb() / 1024.0, r.lossPathMiB());
    }
    return 0;
  }
}
