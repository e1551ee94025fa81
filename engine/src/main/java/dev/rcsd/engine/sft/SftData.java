package dev.rcsd.engine.sft;

import dev.rcsd.engine.task.Analysis;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.engine.train.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Supervised examples for the warm-up: each problem's worked solution after one of its prompts.
 * Most examples show the question alone (the student's view); the rest put privileged context in
 * the prompt (the whole rubric, the reference solution, or one criterion), so that the frozen copy
 * of the model can later act as a teacher that uses such context. Of the privileged examples:
 *
 * <pre>
 *   25%  rubric prompt -> solution
 *   20%  reason-first rubric: half analysis prompt -> analysis, half analysis prompt + analysis + transition -> solution
 *   15%  reference prompt -> solution
 *   20%  reason-first reference, halved the same way
 *   20%  one criterion -> solution
 * </pre>
 *
 * A student-view example shows the problem's mistaken solution ({@link Problem#mistakenSolution()})
 * instead, with probability {@code mistakeShare}; privileged prompts always lead to the correct one.
 */
public final class SftData {
  private SftData() {}

  /**
   * @param privilegedShare the share of examples with a rubric, reference or criterion prompt
   * @param mistakeShare the share of student-view examples with the mistaken solution (where a problem has one)
   */
  public static List<TokenBatch.Sequence> examples(List<Problem> problems, TaskTokenizer tok, PromptTemplates prompts,
      double privilegedShare, double mistakeShare, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    SplittableRandom mistakes = new SplittableRandom(~seed); // its own stream: a share of 0 changes no other draw
    List<TokenBatch.Sequence> out = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      String prompt;
      double draw = rnd.nextDouble();
      double u = draw < privilegedShare ? draw / privilegedShare : 1; // where in the privileged mix
      if (u >= 1) {
        boolean mistaken = mistakes.nextDouble() < mistakeShare && !p.mistakenSolution().isEmpty();
        out.add(sequence(tok, prompts.student(p), mistaken ? p.mistakenSolution() : p.referenceSolution()));
        continue;
      } else if (u < 0.25) {
        prompt = prompts.rubric(p);
      } else if (u < 0.45) {
        out.add(reasonFirst(tok, prompts, "rubric", p, rnd.nextBoolean()));
        continue;
      } else if (u < 0.6) {
        prompt = prompts.reference(p);
      } else if (u < 0.8) {
        out.add(reasonFirst(tok, prompts, "reference", p, rnd.nextBoolean()));
        continue;
      } else {
        prompt = prompts.criterion(p, rnd.nextInt(p.rubric().criteria().size()));
      }
      out.add(sequence(tok, prompt, p.referenceSolution()));
    }
    return out;
  }

  /** A reason-first teacher's example: its analysis after the analysis prompt, or the solution after both. */
  static TokenBatch.Sequence reasonFirst(TaskTokenizer tok, PromptTemplates prompts, String context, Problem p,
      boolean analysis) {
    String text = Analysis.of(context, p);
    return analysis ? sequence(tok, prompts.analysis(context, p), text)
        : sequence(tok, prompts.reasonFirst(context, p, text), p.referenceSolution());
  }

  /** {@code <bos> prompt} followed by {@code solution <eos>}. */
  public static TokenBatch.Sequence sequence(TaskTokenizer tok, String prompt, String solution) {
    return new TokenBatch.Sequence(tok.prompt(prompt), withEos(tok, tok.encode(solution)));
  }

  public static int[] withBos(TaskTokenizer tok, int[] ids) {
    int[] out = new int[ids.length + 1];
    out[0] = tok.bos();
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  static int[] withEos(TaskTokenizer tok, int[] ids) {
    int[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = tok.eos();
    return out;
  }
}
