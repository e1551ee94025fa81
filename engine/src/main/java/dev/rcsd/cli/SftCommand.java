package dev.rcsd.cli;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sft.Warmup;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.ProblemSet;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rcsd sft}: the supervised warm-up of the tiny model from scratch. */
@Command(name = "sft", mixinStandardHelpOptions = true,
    description = "Train the built-in tiny model from scratch on worked solutions (with privileged-context examples).")
final class SftCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE.ckpt", description = "The checkpoint to write.")
  Path out;

  @Option(names = "--data", paramLabel = "DIR",
      description = "train.jsonl (and tokenizer.json) from 'rcsd data generate'; default: the built-in generator.")
  Path data;

  @Option(names = "--steps", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
  int steps = Warmup.DEFAULTS.steps();

  @Option(names = "--batch", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batch = Warmup.DEFAULTS.batchSize();

  @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double lr = Warmup.DEFAULTS.learningRate();

  @Option(names = "--privileged-share", description = "Share of rubric/reference/criterion prompts (default: ${DEFAULT-VALUE}).")
  double privilegedShare = Warmup.DEFAULTS.privilegedShare();

  @Option(names = "--mistake-share", description = "Share of question-only examples that show the problem's typical"
      + " mistake instead of its solution (default: ${DEFAULT-VALUE}).")
  double mistakeShare = Warmup.DEFAULTS.mistakeShare();

  @Option(names = "--seed", description = "Seeds the data, the initial weights and the batch order (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Override
  public Integer call() throws IOException {
    Path tokenizerFile = data == null ? null : data.resolve("tokenizer.json");
    String tokenizerJson = tokenizerFile != null && Files.isRegularFile(tokenizerFile)
        ? Files.readString(tokenizerFile) : TaskTokenizer.builtInJson();
    List<Problem> problems = data == null ? new ScienceGenerator().generate(seed, 40_000, 0, 4).train()
        : ProblemSet.read(data.resolve("train.jsonl"));
    Warmup w = new Warmup(steps, batch, lr, Warmup.DEFAULTS.warmupSteps(), privilegedShare, seed, 0, 0,
        mistakeShare);
    try (TaskTokenizer tok = tokenizerFile != null && Files.isRegularFile(tokenizerFile) ? TaskTokenizer.load(tokenizerFile)
            : TaskTokenizer.builtIn();
        StepProgress progress = StepProgress.start("sft", steps, spec.commandLine().getOut());
        PolicyModel model = w.train(problems, tok, PromptTemplates.DEFAULTS, (step, loss, rate, tps) ->
            progress.step(step + 1, String.format(Locale.ROOT, "loss %.4f lr %.1e %.0f tok/s", loss, rate, tps)))) {
      w.save(model, tokenizerJson, out, Rcsd.producer());
    }
    spec.commandLine().getOut().printf("%s: warmed-up model after %d steps%n", out, steps);
    return 0;
  }
}
