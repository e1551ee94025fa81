package dev.rcsd.cli;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.ProblemSet;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rcsd data ...}: the built-in task's problems. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Generate the built-in science-reasoning task.",
    subcommands = DataCommand.Generate.class)
final class DataCommand {
  private DataCommand() {}

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write DIR/train.jsonl, DIR/test.jsonl (disjoint template-and-numbers pairs) and DIR/tokenizer.json.")
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--seed", description = "Default: ${DEFAULT-VALUE}.")
    long seed = 1;

    @Option(names = "--train", paramLabel = "N", description = "Train problems (default: ${DEFAULT-VALUE}).")
    int train = 40_000;

    @Option(names = "--test", paramLabel = "M", description = "Distinct test problems (default: ${DEFAULT-VALUE}).")
    int test = 400;

    @Option(names = "--max-steps", paramLabel = "K", description = "Only templates of at most K reasoning steps (1-4).")
    int maxSteps = 4;

    @Override
    public Integer call() throws IOException {
      ScienceGenerator.Splits s = new ScienceGenerator().generate(seed, train, test, maxSteps);
      ProblemSet.write(out.resolve("train.jsonl"), s.train());
      ProblemSet.write(out.resolve("test.jsonl"), s.test());
      try (AtomicFile f = AtomicFile.create(out.resolve("tokenizer.json"))) {
        f.stream().write(TaskTokenizer.builtInJson().getBytes(StandardCharsets.UTF_8));
        f.commit();
      }
      var o = spec.commandLine().getOut();
      o.printf("%s: %d train and %d test problems (seed %d)%n", out, s.train().size(), s.test().size(), seed);
      o.printf("%-16s %7s %7s%n", "template", "train", "test");
      Map<String, int[]> counts = new TreeMap<>();
      count(counts, s.train(), 0);
      count(counts, s.test(), 1);
      counts.forEach((t, c) -> o.printf("%-16s %7d %7d%n", t, c[0], c[1]));
      return 0;
    }

    private static void count(Map<String, int[]> counts, List<Problem> problems, int column) {
      for (Problem p : problems) {
        counts.computeIfAbsent(p.template() + " (" + p.difficulty() + ")", k -> new int[2])[column]++;
      }
    }
  }
}
