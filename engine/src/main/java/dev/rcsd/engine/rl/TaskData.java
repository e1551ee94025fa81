package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.ProblemSet;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The problems of a run: the train split it learns from and the test split it is evaluated on. */
public record TaskData(List<Problem> train, List<Problem> test, String tokenizerJson) {
  public static TaskData load(RunConfig c) throws IOException {
    if (c.data().isEmpty()) {
      ScienceGenerator.Splits s = new ScienceGenerator().generate(c.dataSeed(), c.trainProblems(), c.testProblems(), 4);
      return new TaskData(s.train(), s.test(), TaskTokenizer.builtInJson());
    }
    Path dir = Path.of(c.data());
    Path tok = dir.resolve("tokenizer.json");
    return new TaskData(ProblemSet.read(dir.resolve("train.jsonl")), ProblemSet.read(dir.resolve("test.jsonl")),
        Files.isRegularFile(tok) ? Files.readString(tok) : TaskTokenizer.builtInJson());
  }

  /** The tokenizer of the problems' text (the warm-up's vocabulary); the caller closes it. */
  public TaskTokenizer tokenizer() throws IOException {
    return TaskTokenizer.fromJson(tokenizerJson);
  }

  public Map<String, Problem> byId() {
    Map<String, Problem> m = new HashMap<>();
    train.forEach(p -> m.put(p.id(), p));
    test.forEach(p -> m.put(p.id(), p));
    return m;
  }
}
