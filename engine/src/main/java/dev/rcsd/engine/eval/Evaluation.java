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
 * Every problem decoded under a prompt context (the student's, or a teacher's with the rubric or
 * reference in it), greedily or as several samples, graded: accuracy, mean rubric score, pass rate
 * per criterion.
 */
public final class Evaluation {
  /** How often a criterion held where it could be graded (for a pitfall: how often the mistake was made). */
  public record Pass(int met, int graded) {
    public double rate() {
      return graded == 0 ? Double.NaN : (double) met / graded;
    }
  }

  /**
   * @param samples completions per problem (1 for greedy decoding)
   * @param accuracy the share of correct completions (with several samples: the mean over them,
   *     avg@n)
   * @param passAtSamples the share of problems with at least one correct completion (pass@n)
   * @param byDifficulty accuracy per number of reasoning steps, counted over completions
   * @param byCriterion pass rate per criterion title, counted over completions
   */
  public record Report(String context, int problems, int samples, double accuracy, double passAtSamples,
      double meanRubricScore, Map<Integer, Pass> byDifficulty, Map<String, Pass> byCriterion) {}

  /**
   * How completions are drawn for an evaluation: greedy ({@link #GREEDY}), or {@code samples}
   * completions per problem at a temperature, top-k and top-p. Sample {@code j} of problem
   * {@code i} draws random stream {@code i * samples + j} of {@code seed}, so two models evaluated
   * with one decoding see the same streams.
   */
  public record Decoding(int samples, float temperature, int topK, float topP, long seed) {
    public static final Decoding GREEDY = new Decoding(1, 0f, 0, 1f, 0);

    public Decoding {
      if (samples < 1) {
        throw new IllegalArgumentException("samples = " + samples + " must be >= 1");
      }
    }
  }

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
    return run(model, tok, prompts, problems, context, maxNewTokens, batchSize, grader, Decoding.GREEDY);
  }

  /** As above, decoding as {@code decoding} says. */
  public static Report run(PolicyModel model, TaskTokenizer tok, PromptTemplates prompts, List<Problem> problems,
      String context, int maxNewTokens, int batchSize, Grader grader, Decoding decoding) {
    Sampler sampler = new Sampler(model);
    int n = decoding.samples();
    SamplingSettings settings = new SamplingSettings(decoding.temperature(), decoding.topK(), decoding.topP(),
        maxNewTokens, tok.stops(), decoding.seed());
    int perBatch = Math.max(1, batchSize / n);
    int correct = 0;
    int solved = 0;
    double rubric = 0;
    int scored = 0;
    Map<Integer, int[]> steps = new TreeMap<>();
    Map<String, int[]> criteria = new TreeMap<>();
    for (int from = 0; from < problems.size(); from += perBatch) {
      List<Problem> chunk = problems.subList(from, Math.min(problems.size(), from + perBatch));
      List<int[]> inputs = new ArrayList<>();
      for (Problem p : chunk) {
        int[] prompt = tok.prompt(p, prompts.context(context, p));
        for (int j = 0; j < n; j++) {
          inputs.add(prompt);
        }
      }
      List<Completion> out = sampler.generate(inputs, settings, (long) from * n);
      boolean[] hit = new boolean[chunk.size()];
      for (int i = 0; i < inputs.size(); i++) {
        Problem p = chunk.get(i / n);
        Grader.Grade g = grader.grade(p, tok.decode(out.get(i).tokens()));
        correct += g.correct() ? 1 : 0;
        hit[i / n] |= g.correct();
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
      for (boolean h : hit) {
        solved += h ? 1 : 0;
      }
    }
    Map<Integer, Pass> byDifficulty = new TreeMap<>();
    steps.forEach((k, v) -> byDifficulty.put(k, new Pass(v[0], v[1])));
    Map<String, Pass> byCriterion = new TreeMap<>();
    criteria.forEach((k, v) -> byCriterion.put(k, new Pass(v[0], v[1])));
    return new Report(context, problems.size(), n, problems.isEmpty() ? 0 : (double) correct / (problems.size() * n),
        problems.isEmpty() ? 0 : (double) solved / problems.size(), scored == 0 ? Double.NaN : rubric / scored,
        byDifficulty, byCriterion);
  }
}
