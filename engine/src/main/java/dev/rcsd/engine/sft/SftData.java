package dev.rcsd.engine.sft;

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
 * of the model can later act as a teacher that uses such context.
 */
public final class SftData {
  private SftData() {}

  /**
   * @param privilegedShare the share of examples with a rubric, reference or criterion prompt
   */
  public static List<TokenBatch.Sequence> examples(List<Problem> problems, TaskTokenizer tok, PromptTemplates prompts,
      double privilegedShare, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<TokenBatch.Sequence> out = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      String prompt;
      double u = rnd.nextDouble();
      if (u >= privilegedShare) {
        prompt = prompts.student(p);
      } else if (u < privilegedShare * 0.45) {
        prompt = prompts.rubric(p);
      } else if (u < privilegedShare * 0.8) {
        prompt = prompts.reference(p);
      } else {
        prompt = prompts.criterion(p, rnd.nextInt(p.rubric().criteria().size()));
      }
      out.add(sequence(tok, prompt, p.referenceSolution()));
    }
    return out;
  }

  /** {@code <bos> prompt} followed by {@code solution <eos>}. */
  public static TokenBatch.Sequence sequence(TaskTokenizer tok, String prompt, String solution) {
    return new TokenBatch.Sequence(withBos(tok, tok.encode(prompt)), withEos(tok, tok.encode(solution)));
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
