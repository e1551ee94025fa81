package dev.rcsd.cli;

import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.task.Grader;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.ProblemSet;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.TaskTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rcsd eval}: greedy (or sampled, {@code --samples}) decoding of a problem file, graded. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Accuracy, mean rubric score and pass rate per criterion of a model on a problem file.")
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH", description = "A .ckpt or a Hugging Face folder.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE.jsonl", description = "Problems, e.g. test.jsonl.")
  Path data;

  @Option(names = "--with-context", paramLabel = "rubric|reference",
      description = "Evaluate the teacher's view: the rubric (with the reference answer) or the reference solution in the prompt.")
  String context;

  @Option(names = "--limit", paramLabel = "N", description = "Only the first N problems.")
  int limit = Integer.MAX_VALUE;

  @Option(names = "--max-new-tokens", description = "Default: ${DEFAULT-VALUE}.")
  int maxNewTokens = 160;

  @Option(names = "--samples", paramLabel = "N",
      description = "Sample N completions per problem and average (avg@N, with pass@N) instead of decoding greedily;"
          + " the RCSD authors' evaluation: --samples N --temperature 0.6 --top-k 20 --top-p 0.95.")
  int samples;

  @Option(names = "--temperature", description = "With --samples (default: ${DEFAULT-VALUE}).")
  float temperature = RunConfig.EvalSampling.OFF.temperature();

  @Option(names = "--top-k", description = "With --samples; 0 for none (default: ${DEFAULT-VALUE}).")
  int topK = RunConfig.EvalSampling.OFF.topK();

  @Option(names = "--top-p", description = "With --samples (default: ${DEFAULT-VALUE}).")
  float topP = RunConfig.EvalSampling.OFF.topP();

  @Option(names = "--seed", description = "With --samples: the random streams (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Override
  public Integer call() throws IOException {
    String view = context == null ? "student" : context;
    if (!view.equals("student") && !view.equals("rubric") && !view.equals("reference")) {
      throw new IllegalArgumentException("--with-context must be rubric or reference, not '" + context + "'");
    }
    if (samples < 0) {
      throw new IllegalArgumentException("--samples must be >= 1 (0 or absent: greedy), not " + samples);
    }
    Evaluation.Decoding decoding = samples == 0 ? Evaluation.Decoding.GREEDY
        : new RunConfig.EvalSampling(samples, temperature, topK, topP).decoding(seed);
    List<Problem> problems = ProblemSet.read(data);
    problems = problems.subList(0, Math.min(limit, problems.size()));
    try (TaskTokenizer tok = ModelTokenizer.of(model); PolicyModel m = PolicyModel.load(model)) {
      print(spec.commandLine().getOut(),
          Evaluation.run(m, tok, PromptTemplates.DEFAULTS, problems, view, maxNewTokens, 64, new Grader(), decoding));
    }
    return 0;
  }

  static void print(PrintWriter out, Evaluation.Report r) {
    out.printf("context %s, %d problems%s%n", r.context(), r.problems(),
        r.samples() > 1 ? ", " + r.samples() + " samples each" : "");
    out.printf("accuracy            %.3f%n", r.accuracy());
    if (r.samples() > 1) {
      out.printf("pass@%-14d %.3f%n", r.samples(), r.passAtSamples());
    }
    out.printf("mean rubric score   %.3f%n", r.meanRubricScore());
    for (Map.Entry<Integer, Evaluation.Pass> e : r.byDifficulty().entrySet()) {
      out.printf("accuracy, %d step%s   %.3f  (%d problems)%n", e.getKey(), e.getKey() == 1 ? " " : "s",
          e.getValue().rate(), e.getValue().graded());
    }
    out.printf("%npass rate per criterion (pitfalls: how often the mistake was made)%n");
    for (Map.Entry<String, Evaluation.Pass> e : r.byCriterion().entrySet()) {
      out.printf("  %-50s %.3f  (%d)%n", e.getKey(), e.getValue().rate(), e.getValue().graded());
    }
    out.flush();
  }
}
