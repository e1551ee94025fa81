package dev.rcsd.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.rl.TinyRuns;
import dev.rcsd.engine.task.Grader;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Greedy and sampled evaluations of the tests' briefly warmed-up model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationTest {
  private PolicyModel model;
  private TaskTokenizer tok;
  private List<Problem> problems;

  @BeforeAll
  void load() throws IOException {
    model = PolicyModel.load(TinyRuns.init());
    tok = TaskTokenizer.builtIn();
    problems = new ScienceGenerator().generate(3, 6, 6, 4).test();
  }

  @AfterAll
  void close() {
    model.close();
    tok.close();
  }

  private Evaluation.Report run(Evaluation.Decoding d) {
    return Evaluation.run(model, tok, PromptTemplates.DEFAULTS, problems, "student", 24, 8, new Grader(), d);
  }

  @Test
  void oneSampleAtTopKOneIsTheGreedyEvaluation() {
    Evaluation.Report greedy = run(Evaluation.Decoding.GREEDY);
    Evaluation.Report topOne = run(new Evaluation.Decoding(1, 0.6f, 1, 0.95f, 7));
    assertEquals(greedy, topOne);
    assertEquals(1, greedy.samples());
    assertEquals(greedy.accuracy(), greedy.passAtSamples());
  }

  /** n samples per problem: counts over 6 x n completions, avg@n never above pass@n, seeded. */
  @Test
  void samplesAreCountedPerCompletionAndSeeded() {
    Evaluation.Decoding d = new Evaluation.Decoding(3, 1.0f, 0, 1f, 11);
    Evaluation.Report a = run(d);
    assertEquals(6, a.problems());
    assertEquals(3, a.samples());
    assertEquals(18, a.byDifficulty().values().stream().mapToInt(Evaluation.Pass::graded).sum());
    int correct = a.byDifficulty().values().stream().mapToInt(Evaluation.Pass::met).sum();
    assertEquals(correct / 18.0, a.accuracy(), 1e-12);
    assertTrue(a.passAtSamples() >= a.accuracy() && a.passAtSamples() <= Math.min(1, 3 * a.accuracy()),
        a.accuracy() + " vs pass@3 " + a.passAtSamples());
    assertEquals(a, run(d), "the same seed draws the same completions");
    // another batch size leaves every completion's random stream, so the report, unchanged
    assertEquals(a, Evaluation.run(model, tok, PromptTemplates.DEFAULTS, problems, "student", 24, 5, new Grader(), d));
  }

  @Test
  void aDecodingNeedsASample() {
    assertThrows(IllegalArgumentException.class, () -> new Evaluation.Decoding(0, 0.6f, 20, 0.95f, 1));
  }
}
