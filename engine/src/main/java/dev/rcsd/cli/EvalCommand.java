package dev.rcsd.cli;

import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.engine.model.PolicyModel;
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

/** {@code rcsd eval}: greedy decoding of a problem file, graded. */
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

  @Override
  public Integer call() throws IOException {
    String view = context == null ? "student" : context;
    if (!view.equals("student") && !view.equals("rubric") && !view.equals("reference")) {
      throw new IllegalArgumentException("--with-context must be rubric or reference, not '" + context + "'");
    }
    List<Problem> problems = ProblemSet.read(data);
    problems = problems.subList(0, Math.min(limit, problems.size()));
    try (TaskTokenizer tok = ModelTokenizer.of(model); PolicyModel m = PolicyModel.load(model)) {
      print(spec.commandLine().getOut(),
          Evaluation.run(m, tok, PromptTemplates.DEFAULTS, problems, view, maxNewTokens, 64));
    }
    return 0;
  }

  static void print(PrintWriter out, Evaluation.Report r) {
    out.printf("context %s, %d problems%n", r.context(), r.problems());
    out.printf("accuracy            %.3f%n", r.accuracy());
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
