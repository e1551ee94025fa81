package dev.rcsd.engine.task;

/**
 * A problem with its privileged context.
 *
 * @param template the built-in template it came from ("" for user data)
 * @param difficulty its number of reasoning steps (0 for user data)
 * @param mistakenSolution a worked solution that makes the problem's first pitfall, as a student
 *     with that misconception writes it ("" when there is none, as for user data); only the SFT
 *     warm-up reads it ({@code warmup.mistake_share})
 */
public record Problem(String id, String question, String referenceAnswer, String referenceSolution, Rubric rubric,
    String template, int difficulty, String mistakenSolution) {
  /** A problem without a mistaken solution. */
  public Problem(String id, String question, String referenceAnswer, String referenceSolution, Rubric rubric,
      String template, int difficulty) {
    this(id, question, referenceAnswer, referenceSolution, rubric, template, difficulty, "");
  }
}
