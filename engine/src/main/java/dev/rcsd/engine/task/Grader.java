package dev.rcsd.engine.task;

import java.util.List;

/**
 * Grades a completion against its problem, deterministically.
 *
 * <ul>
 *   <li>The final answer is what follows the last {@code Answer:}, a number and a unit; it is
 *       correct when it matches the reference answer ({@link Quantity#matches}).
 *   <li>Each criterion with a {@link Check} is met when its check holds. A criterion without one
 *       (user data) is graded only when its description names numbers: met when all of them
 *       appear in the completion; a pitfall without a check is not graded.
 *   <li>The rubric score is the met positive weight plus the met (negative) pitfall weight, over
 *       the graded positive weight, clipped to [0, 1].
 * </ul>
 */
public final class Grader {
  /**
   * @param met per criterion: the criterion holds (for a pitfall: the mistake was made)
   * @param graded per criterion: whether it could be decided
   * @param answer the parsed final answer, or null
   */
  public record Grade(boolean correct, double rubricScore, boolean[] met, boolean[] graded, Quantity answer) {}

  public Grade grade(Problem problem, String completion) {
    String text = " " + TaskText.canonical(completion) + " ";
    Quantity answer = finalAnswer(completion);
    Quantity reference = Quantity.parse(problem.referenceAnswer());
    boolean correct = answer != null && (reference != null ? answer.matches(reference)
        : TaskText.canonical(problem.referenceAnswer()).equals(answer.value() + " " + answer.unit()));
    List<Criterion> criteria = problem.rubric().criteria();
    boolean[] met = new boolean[criteria.size()];
    boolean[] graded = new boolean[criteria.size()];
    double gained = 0;
    double possible = 0;
    for (int i = 0; i < criteria.size(); i++) {
      Criterion c = criteria.get(i);
      Boolean holds = holds(c, text, answer);
      if (holds == null) {
        continue;
      }
      graded[i] = true;
      met[i] = holds;
      if (c.weight() > 0) {
        possible += c.weight();
      }
      if (holds) {
        gained += c.weight();
      }
    }
    double score = possible == 0 ? Double.NaN : Math.max(0, Math.min(1, gained / possible));
    return new Grade(correct, score, met, graded, answer);
  }

  /** Whether the criterion holds, or null when it cannot be decided. */
  private static Boolean holds(Criterion c, String text, Quantity answer) {
    Check k = c.check();
    if (k != null) {
      return switch (k.kind()) {
        case "contains" -> text.contains(" " + k.text() + " ");
        case "answer" -> answer != null && answer.matches(new Quantity(k.value(), k.unit()));
        case "unit" -> answer != null && answer.unit().equals(k.unit());
        default -> null;
      };
    }
    if (c.pitfall()) {
      return null;
    }
    List<String> numbers = TaskText.tokens(TaskText.canonical(c.description())).isEmpty() ? List.of()
        : List.of(TaskText.canonical(c.description()).split(" ")).stream().filter(Grader::isNumber).toList();
    if (numbers.isEmpty()) {
      return null;
    }
    return numbers.stream().allMatch(n -> text.contains(" " + n + " "));
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.') && Character.isDigit(s.charAt(0));
  }

  /** The quantity after the last {@code Answer:} of the completion, or null. */
  public static Quantity finalAnswer(String completion) {
    String text = TaskText.canonical(completion);
    int at = text.lastIndexOf("Answer :");
    if (at < 0) {
      return null;
    }
    String rest = text.substring(at + "Answer :".length()).trim();
    int end = rest.indexOf(" ;");
    return Quantity.parse(end < 0 ? rest : rest.substring(0, end));
  }
}
