package dev.rcsd.engine.task;

import java.util.List;

/**
 * A problem with its privileged context.
 *
 * @param question the question every prompt states: for a chat-message dataset, its last user turn
 * @param template the built-in template it came from ("" for user data)
 * @param difficulty its number of reasoning steps (0 for user data)
 * @param mistakenSolution a worked solution that makes the problem's first pitfall, as a student
 *     with that misconception writes it ("" when there is none, as for user data); only the SFT
 *     warm-up reads it ({@code warmup.mistake_share})
 * @param messages a chat-message dataset's prompt as the file holds it, ending with the user turn
 *     that is the question (empty otherwise): the student sees these turns as written, every
 *     teacher the turns before the question and then its own prompt
 */
public record Problem(String id, String question, String referenceAnswer, String referenceSolution, Rubric rubric,
    String template, int difficulty, String mistakenSolution, List<ChatTemplate.Message> messages) {
  public Problem {
    messages = List.copyOf(messages);
  }

  /** A problem without chat messages. */
  public Problem(String id, String question, String referenceAnswer, String referenceSolution, Rubric rubric,
      String template, int difficulty, String mistakenSolution) {
    this(id, question, referenceAnswer, referenceSolution, rubric, template, difficulty, mistakenSolution, List.of());
  }

  /** A problem without a mistaken solution or chat messages. */
  public Problem(String id, String question, String referenceAnswer, String referenceSolution, Rubric rubric,
      String template, int difficulty) {
    this(id, question, referenceAnswer, referenceSolution, rubric, template, difficulty, "");
  }

  /** The turns before the question: a chat-message dataset's system prompt and earlier turns. */
  public List<ChatTemplate.Message> turnsBefore() {
    return messages.isEmpty() ? List.of() : messages.subList(0, messages.size() - 1);
  }
}
