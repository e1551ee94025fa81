package dev.rcsd.engine.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.io.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskTest {
  @TempDir Path dir;
  private ScienceGenerator.Splits splits;
  private TaskTokenizer tokenizer;
  private final Grader grader = new Grader();

  @BeforeAll
  void generate() {
    splits = new ScienceGenerator().generate(5, 3000, 300, 4);
    tokenizer = TaskTokenizer.builtIn();
  }

  @AfterAll
  void close() {
    tokenizer.close();
  }

  @Test
  void canonicalTextSplitsLikeTheTokenizerAndMergesNumbers() {
    assertEquals(List.of("v", "=", "1", "1", "m", "/", "s", "."), TaskText.tokens("v = 11 m/s."));
    assertEquals("v = 11 m / s .", TaskText.canonical("v=11 m/s."));
    assertEquals("H 2 O", TaskText.canonical("H2O").replace("H 2 O", "H 2 O"));
    assertEquals("x = 2.5 kg", TaskText.canonical("x = 2.5 kg"));
  }

  @Test
  void theCommittedTokenizerIsTheOneTheGeneratorBuilds() throws IOException {
    try (InputStream in = TaskTokenizer.class.getResourceAsStream(TaskTokenizer.BUILT_IN)) {
      assertEquals(TaskTokenizer.generateBuiltInJson(), new String(in.readAllBytes(), StandardCharsets.UTF_8),
          "regenerate it: java ... dev.rcsd.engine.task.TaskTokenizer engine/src/main/resources/" + TaskTokenizer.BUILT_IN);
    }
  }

  @Test
  void longTextsAreNotTruncated() {
    String text = "v = 11 m / s . ".repeat(300); // 2,400 tokens, beyond the 512 DJL would cut at
    assertEquals(2400, tokenizer.encode(text).length);
  }

  @Test
  void everyTextOfTheTaskEncodesWithoutUnknownTokensAndDecodesToItsCanonicalForm() {
    PromptTemplates prompts = PromptTemplates.DEFAULTS;
    for (Problem p : splits.test()) {
      for (String text : List.of(prompts.rubric(p), prompts.reference(p), p.referenceSolution())) {
        int[] ids = tokenizer.encode(text);
        for (int id : ids) {
          assertTrue(id != tokenizer.unk(), "unknown token in: " + text);
        }
        assertEquals(TaskText.canonical(text), tokenizer.decode(ids));
      }
    }
    assertEquals(tokenizer.eos(), tokenizer.id(TaskTokenizer.EOS));
  }

  @Test
  void splitsNeverShareATemplateAndNumbers() {
    Set<String> train = splits.train().stream().map(p -> p.id().replaceAll("/[0-9]+$", "")).collect(Collectors.toSet());
    assertEquals(splits.train().size(), splits.train().stream().map(Problem::id).distinct().count(), "train ids repeat");
    Set<String> test = new HashSet<>();
    for (Problem p : splits.test()) {
      assertFalse(train.contains(p.id().replaceAll("/[0-9]+$", "")), p.id() + " is in both splits");
      assertTrue(test.add(p.id()), p.id() + " is twice in the test split");
    }
    Set<String> templates = splits.test().stream().map(Problem::template).collect(Collectors.toSet());
    assertEquals(new ScienceGenerator().templates().size(), templates.size(), "every template reaches the test split");
    for (int steps = 1; steps <= 4; steps++) {
      int s = steps;
      assertTrue(splits.train().stream().anyMatch(p -> p.difficulty() == s), "no train problem of " + s + " steps");
    }
  }

  /** rl_keys_percent: RL's train split, the warm-up's problems and the test split share no key. */
  @Test
  void keysReservedForRlKeepTheWarmupAwayFromRlsProblems() {
    ScienceGenerator.Splits s = new ScienceGenerator().generate(5, 3000, 300, 4, 20);
    assertEquals(3000, s.warmup().size());
    Set<String> rl = s.train().stream().map(p -> p.id().replaceAll("/[0-9]+$", "")).collect(Collectors.toSet());
    Set<String> test = s.test().stream().map(p -> p.id().replaceAll("/[0-9]+$", "")).collect(Collectors.toSet());
    for (Problem p : s.warmup()) {
      String key = p.id().replaceAll("/[0-9]+$", "");
      assertFalse(rl.contains(key) || test.contains(key), p.id() + " is a warm-up problem and an RL or test one");
    }
    assertTrue(rl.stream().noneMatch(test::contains), "RL and test share a key");
    assertEquals(splits.test(), s.test(), "the test split is the same with or without reserved keys");
    Map<String, Double> rlShare = shares(s.train(), Problem::template);
    Map<String, Double> testShare = shares(new ScienceGenerator().generate(9, 3000, 3000, 4, 20).test(),
        Problem::template);
    assertEquals(testShare.keySet(), rlShare.keySet(), "every template reaches RL's split");
    assertEquals(splits.train(), splits.warmup(), "without reserved keys the warm-up learns the train split");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ScienceGenerator().generate(5, 10, 10, 4, 75));
    assertTrue(e.getMessage().contains("rl_keys_percent = 75 must be in [0, 70]"), e.getMessage());
  }

  /** The held-out split follows the training split's distribution: templates and difficulties. */
  @Test
  void splitsAreDrawnAlike() {
    ScienceGenerator.Splits big = new ScienceGenerator().generate(9, 8000, 2000, 4);
    Map<String, Double> trainShare = shares(big.train(), Problem::template);
    Map<String, Double> testShare = shares(big.test(), Problem::template);
    assertEquals(trainShare.keySet(), testShare.keySet(), "templates of the two splits");
    for (String t : trainShare.keySet()) {
      // one template's share is about 3%; its sd over 2,000 test problems is about 0.4 points
      assertEquals(trainShare.get(t), testShare.get(t), 0.02, "share of template " + t);
    }
    Map<Integer, Double> trainSteps = shares(big.train(), Problem::difficulty);
    Map<Integer, Double> testSteps = shares(big.test(), Problem::difficulty);
    for (int steps : trainSteps.keySet()) {
      assertEquals(trainSteps.get(steps), testSteps.getOrDefault(steps, 0.0), 0.03, "share of " + steps + "-step problems");
    }
  }

  private static <K> Map<K, Double> shares(List<Problem> problems, java.util.function.Function<Problem, K> key) {
    Map<K, Double> share = new java.util.TreeMap<>();
    for (Problem p : problems) {
      share.merge(key.apply(p), 1.0 / problems.size(), Double::sum);
    }
    return share;
  }

  @Test
  void theSameSeedGivesTheSameProblems() {
    ScienceGenerator.Splits again = new ScienceGenerator().generate(5, 3000, 300, 4);
    assertEquals(splits.test(), again.test());
    assertEquals(splits.train().subList(0, 50), again.train().subList(0, 50));
  }

  @Test
  void everyMistakenSolutionMakesItsProblemsFirstPitfall() {
    java.util.Set<String> templates = new java.util.TreeSet<>();
    for (Problem p : splits.test()) {
      assertFalse(p.mistakenSolution().isEmpty(), p.id());
      Grader.Grade g = grader.grade(p, p.mistakenSolution());
      assertFalse(g.correct(), p.id() + " " + p.mistakenSolution());
      List<Criterion> criteria = p.rubric().criteria();
      int pitfall = java.util.stream.IntStream.range(0, criteria.size()).filter(i -> criteria.get(i).pitfall())
          .findFirst().orElseThrow();
      assertTrue(g.met()[pitfall], p.id() + " " + p.mistakenSolution());
      String[] right = p.referenceSolution().split(" ; ");
      String[] wrong = p.mistakenSolution().split(" ; ");
      assertEquals(right.length, wrong.length, p.id() + ": as many steps");
      int k = 0;
      while (right[k].equals(wrong[k])) {
        k++; // the steps before the mistake are the reference's
      }
      for (int i = k; i < right.length; i++) {
        assertFalse(right[i].equals(wrong[i]), p.id() + ": every step from the mistake on differs");
      }
      assertTrue(g.met()[pitfall - 1], p.id() + ": the mistaken answer keeps the unit");
      templates.add(p.template());
    }
    assertEquals(new ScienceGenerator().templates().size(), templates.size(), "every template has a mistaken solution");
  }

  @Test
  void everyReferenceSolutionGetsFullMarksAndEveryPitfallIsCaught() {
    for (Problem p : splits.test()) {
      Grader.Grade g = grader.grade(p, p.referenceSolution());
      assertTrue(g.correct(), p.id());
      assertEquals(1.0, g.rubricScore(), p.id() + " " + p.referenceSolution());
      List<Criterion> criteria = p.rubric().criteria();
      for (int i = 0; i < criteria.size(); i++) {
        assertTrue(g.graded()[i]);
        assertEquals(!criteria.get(i).pitfall(), g.met()[i], p.id() + ": " + criteria.get(i).title());
        if (criteria.get(i).pitfall()) {
          double wrong = criteria.get(i).check().value();
          Grader.Grade bad = grader.grade(p, "Answer: " + (long) wrong + " " + criteria.get(i).check().unit());
          assertFalse(bad.correct());
          assertTrue(bad.met()[i], "pitfall " + criteria.get(i).title() + " of " + p.id());
        }
      }
      int n = criteria.size();
      assertTrue(n >= Rubric.MIN && n <= Rubric.MAX);
    }
  }

  @Test
  void answersAreComparedWithToleranceAndUnitConversion() {
    assertTrue(Quantity.parse("20 m/s").matches(Quantity.parse("72 km/h")));
    assertTrue(Quantity.parse("3000 m").matches(Quantity.parse("3 km")));
    assertTrue(Quantity.parse("10.004 J").matches(Quantity.parse("10 J")));
    assertFalse(Quantity.parse("10.1 J").matches(Quantity.parse("10 J")));
    assertFalse(Quantity.parse("10 N").matches(Quantity.parse("10 J")));
    assertEquals(-3.0, Quantity.parse("-3 m").value());
    assertEquals(null, Grader.finalAnswer("v = 3 m/s"));
    assertEquals(new Quantity(5, "kg"), Grader.finalAnswer("... Answer: 4 kg ; Answer: 5 kg."));
  }

  @Test
  void rubricRulesNameTheCriterionAndField() {
    Criterion ok = new Criterion("Uses F = m a", "States Newton's law.", 8, null);
    Criterion pitfall = new Criterion("Wrong unit", "uses grams", -1, null);
    new Rubric(List.of(ok, ok, pitfall));
    assertTrue(assertThrows(Rubric.RubricException.class, () -> new Rubric(List.of(ok, pitfall))).getMessage()
        .contains("3 to 25"));
    assertTrue(assertThrows(Rubric.RubricException.class, () -> new Rubric(List.of(ok, ok, ok))).getMessage()
        .contains("pitfall"));
    Criterion heavy = new Criterion("Heavy", "x", 11, null);
    assertTrue(assertThrows(Rubric.RubricException.class, () -> new Rubric(List.of(ok, heavy, pitfall))).getMessage()
        .contains("criterion 2 ('Heavy'): weight 11"));
    Criterion wordy = new Criterion("Wordy", "word ".repeat(41), 3, null);
    assertTrue(assertThrows(Rubric.RubricException.class, () -> new Rubric(List.of(ok, wordy, pitfall))).getMessage()
        .contains("criterion 2 ('Wordy'): description has 41 words"));
  }

  @Test
  void problemFilesRoundTripAndErrorsNameFileAndLine() throws IOException {
    Path file = dir.resolve("test.jsonl");
    ProblemSet.write(file, splits.test());
    assertEquals(splits.test(), ProblemSet.read(file));
    List<String> lines = Files.readAllLines(file);
    Files.write(file, List.of(lines.get(0), lines.get(1).replace("\"weight\":10", "\"weight\":12")));
    FormatException e = assertThrows(FormatException.class, () -> ProblemSet.read(file));
    assertTrue(e.getMessage().contains("test.jsonl: line 2: rubric: criterion") && e.getMessage().contains("weight 12"),
        e.getMessage());
    Files.write(file, List.of(lines.get(0), "{\"id\": \"x\", \"question\": \"q\"}"));
    e = assertThrows(FormatException.class, () -> ProblemSet.read(file));
    assertTrue(e.getMessage().contains("line 2: rubric: missing"), e.getMessage());
    Files.write(file, List.of("{not json"));
    assertTrue(assertThrows(FormatException.class, () -> ProblemSet.read(file)).getMessage().contains("line 1: not JSON"));
  }

  /** Data without machine checks (RubricHub style): criteria naming numbers are still graded. */
  @Test
  void userRubricsWithoutChecksAreGradedByTheirNumbers() {
    Problem p = new Problem("u1", "q", "12 J", "W = 3 * 4 = 12 J", new Rubric(List.of(
        new Criterion("Work", "Computes W = 12 J from 3 N and 4 m", 8, null),
        new Criterion("Clarity", "Explains each step clearly", 2, null),
        new Criterion("Pitfall", "adds the numbers", -1, null))), "", 0);
    Grader.Grade g = grader.grade(p, "W = 3 * 4 = 12 J ; Answer: 12 J");
    assertTrue(g.correct());
    assertTrue(g.graded()[0] && g.met()[0]);
    assertFalse(g.graded()[1]);
    assertFalse(g.graded()[2]);
    assertEquals(1.0, g.rubricScore());
    assertNotNull(g.answer());
  }
}
