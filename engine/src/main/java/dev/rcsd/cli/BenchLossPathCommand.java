package dev.rcsd.cli;

import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.UpdateStepBench;
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

  @Option(names = "--step", description = "Instead: one whole update step (forward, loss, backward, AdamW) of a "
      + "random Qwen3-shaped model on --rollouts synthetic rollouts of --rows completion tokens each.")
  boolean step;

  @Option(names = "--layers", description = "With --step: decoder layers (default: ${DEFAULT-VALUE}; Qwen3-0.6B has 28).")
  int layers = 2;

  @Option(names = "--rollouts", description = "With --step: rollouts (default: ${DEFAULT-VALUE}).")
  int rollouts = 8;

  @Option(names = "--prompt", description = "With --step: prompt tokens per rollout (default: ${DEFAULT-VALUE}).")
  int prompt = 64;

  @Option(names = "--micro-batch", description = "With --step: sequences per forward pass, 0 for all "
      + "(default: ${DEFAULT-VALUE}).")
  int microBatch = 1;

  @Option(names = "--method", description = "With --step: grpo or rcsd (default: ${DEFAULT-VALUE}).")
  String method = "rcsd";

  @Mixin BackendChoice choice;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (step) {
      try (KernelBackend kernels = Backends.open(backend, choice.options())) {
        var config = UpdateStepBench.qwen3(layers);
        UpdateStepBench.Result r = UpdateStepBench.run(config, method, path, microBatch, rollouts, prompt, rows,
            kernels);
        out.printf(Locale.ROOT, "update step of %s, path %s: Qwen3 shape (V=%d, H=%d, %d layers, %.0fM parameters), "
            + "%d rollouts x (%d + %d) tokens, micro-batches of %d: %.1f s, loss %.5f, grad norm %.4f, peak resident %.0f MiB%n", method,
            path, config.vocabSize(), config.hiddenSize(), layers, r.parameters() / 1e6, rollouts, prompt, rows,
            microBatch, r.seconds(), r.loss(), r.gradNorm(), r.peakKb() / 1024.0);
      }
      return 0;
    }
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
