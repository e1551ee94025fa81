package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.ProblemSet;
import dev.rcsd.engine.task.RubricDataset;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The problems of a run: the train split it learns from, the test split it is evaluated on, and
 * the problems the SFT warm-up learns from (the train split's unless the generator reserves keys
 * for RL, {@code rl_keys_percent}).
 */
public record TaskData(List<Problem> train, List<Problem> test, String tokenizerJson, List<Problem> warmup) {
  public TaskData(List<Problem> train, List<Problem> test, String tokenizerJson) {
    this(train, test, tokenizerJson, train);
  }

  public static TaskData load(RunConfig c) throws IOException {
    if (c.data().isEmpty()) {
      ScienceGenerator.Splits s = new ScienceGenerator().generate(c.dataSeed(), c.trainProblems(), c.testProblems(), 4,
          c.rlKeysPercent());
      return new TaskData(s.train(), s.test(), TaskTokenizer.builtInJson(), s.warmup());
    }
    if (c.rlKeysPercent() != 0) {
      throw new IllegalArgumentException("rl_keys_percent reserves keys of the built-in generator; with data '"
          + c.data() + "' it must be 0");
    }
    Path dir = Path.of(c.data());
    if (RubricDataset.isDatasetFile(dir)) {
      return split(RubricDataset.read(dir, c.dataFields()), c.testProblems(), c.dataSeed());
    }
    Path tok = dir.resolve("tokenizer.json");
    return new TaskData(ProblemSet.read(dir.resolve("train.jsonl")), ProblemSet.read(dir.resolve("test.jsonl")),
        Files.isRegularFile(tok) ? Files.readString(tok) : TaskTokenizer.builtInJson());
  }

  /**
   * A dataset's held-out split: {@code test} problems (at most half) drawn by a shuffle seeded with
   * {@code seed}, in file order; the train split is the rest, in file order. Both are draws from
   * the same file, so they are identically distributed.
   */
  static TaskData split(List<Problem> all, int test, long seed) {
    int n = Math.min(test, all.size() / 2);
    List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, all.size()).boxed().toList());
    java.util.Collections.shuffle(order, new java.util.Random(seed));
    java.util.Set<Integer> held = new java.util.TreeSet<>(order.subList(0, n));
    List<Problem> train = new java.util.ArrayList<>();
    List<Problem> tests = new java.util.ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (held.contains(i) ? tests : train).add(all.get(i));
    }
    return new TaskData(train, tests, TaskTokenizer.builtInJson());
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
