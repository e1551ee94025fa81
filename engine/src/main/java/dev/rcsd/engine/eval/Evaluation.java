package dev.rcsd.engine.eval;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sample.Completion;
import dev.rcsd.engine.sample.Sampler;
import dev.rcsd.engine.sample.SamplingSettings;
import dev.rcsd.engine.task.Criterion;
import dev.rcsd.engine.task.Grader;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.TaskTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Greedy decoding of every problem under a prompt context (the student's, or a teacher's with the
 * rubric or reference in it), graded: accuracy, mean rubric score, pass rate per criterion.
 */
public final class Evaluation {
  /** How often a criterion held where it could be graded (for a pitfall: how often the mistake was made). */
  public record Pass(int met, int graded) {
    public double rate() {
      return graded == 0 ? Double.NaN : (double) met / graded;
    }
  }

  /**
   * @param byDifficulty accuracy per number of reasoning steps
   * @param byCriterion pass rate per criterion title
   */
  public record Report(String context, int problems, double accuracy, double meanRubricScore,
      Map<Integer, Pass> byDifficulty, Map<String, Pass> byCriterion) {}

  private Evaluation() {}

  /**
   * @param context student, rubric or reference
   */
  public static Report run(PolicyModel model, TaskTokenizer tok, PromptTemplates prompts, List<Problem> problems,
      String context, int maxNewTokens, int batchSize) {
    return run(model, tok, prompts, problems, context, maxNewTokens, batchSize, new Grader());
  }

  /** As above, grading with {@code grader}. */
  public static Report run(PolicyModel model, TaskTokenizer tok, PromptTemplates prompts, List<Problem> problems,
      String context, int maxNewTokens, int batchSize, Grader grader) {
    Sampler sampler = new Sampler(model);
    SamplingSettings greedy = new SamplingSettings(0f, 0, 1f, maxNewTokens, tok.stops(), 0);
    int correct = 0;
    double rubric = 0;
    int scored = 0;
    Map<Integer, int[]> steps = new TreeMap<>();
    Map<String, int[]> criteria = new TreeMap<>();
    for (int from = 0; from < problems.size(); from += batchSize) {
      List<Problem> chunk = problems.subList(from, Math.min(problems.size(), from + batchSize));
      List<int[]> inputs = new ArrayList<>();
      for (Problem p : chunk) {
        inputs.add(tok.prompt(prompts.context(context, p)));
      }
      List<Completion> out = sampler.generate(inputs, greedy);
      for (int i = 0; i < chunk.size(); i++) {
        Problem p = chunk.get(i);
        Grader.Grade g = grader.grade(p, tok.decode(out.get(i).tokens()));
        correct += g.correct() ? 1 : 0;
        if (!Double.isNaN(g.rubricScore())) {
          rubric += g.rubricScore();
          scored++;
        }
        int[] d = steps.computeIfAbsent(p.difficulty(), k -> new int[2]);
        d[0] += g.correct() ? 1 : 0;
        d[1]++;
        List<Criterion> cs = p.rubric().criteria();
        for (int c = 0; c < cs.size(); c++) {
          if (g.graded()[c]) {
            int[] x = criteria.computeIfAbsent(cs.get(c).title(), k -> new int[2]);
            x[0] += g.met()[c] ? 1 : 0;
            x[1]++;
          }
        }
      }
    }
    Map<Integer, Pass> byDifficulty = new TreeMap<>();
    steps.forEach((k, v) -> byDifficulty.put(k, new Pass(v[0], v[1])));
    Map<String, Pass> byCriterion = new TreeMap<>();
    criteria.forEach((k, v) -> byCriterion.put(k, new Pass(v[0], v[1])));
    return new Report(context, problems.size(), problems.isEmpty() ? 0 : (double) correct / problems.size(),
        scored == 0 ? Double.NaN : rubric / scored, byDifficulty, byCriterion);
  }
}
