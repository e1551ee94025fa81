package dev.rcsd.engine.task;

import java.util.List;

/**
 * Grades a completion against its problem, deterministically.
 *
 * <ul>
 *   <li>The final answer is the content of the last {@code \boxed{...}} (braces nested), else
 *       what follows the last {@code Answer:}. It is correct when, read as a number and a unit
 *       (LaTeX's {@code \text{}}, {@code \mathrm{}} and thin spaces removed), it matches a
 *       reference that reads as one ({@link Quantity#matches}: tolerance and unit conversion), or
 *       else when its text equals the reference's up to spacing. In strict mode only the text
 *       comparison counts (exact-match answers: choices, names, expressions).
 *   <li>Each criterion with a {@link Check} is met when its check holds. A criterion without one
 *       (user data) is graded only when its description names numbers: met when all of them
 *       appear in the completion; a pitfall without a check is not graded.
 *   <li>The rubric score is the met positive weight plus the met (negative) pitfall weight, over
 *       the graded positive weight, clipped to [0, 1].
 * </ul>
 */
public final class Grader {
  private final boolean strict;

  /** A grader that compares numbers with units where the reference is one. */
  public Grader() {
    this(false);
  }

  /** @param strict compare answers as text only, up to spacing */
  public Grader(boolean strict) {
    this.strict = strict;
  }

  /**
   * @param met per criterion: the criterion holds (for a pitfall: the mistake was made)
   * @param graded per criterion: whether it could be decided
   * @param answer the parsed final answer, or null
   */
  public record Grade(boolean correct, double rubricScore, boolean[] met, boolean[] graded, Quantity answer) {}

  public Grade grade(Problem problem, String completion) {
    String text = " " + TaskText.canonical(completion) + " ";
    String answerText = finalAnswerText(completion);
    Quantity answer = answerText == null ? null : Quantity.parse(plain(answerText));
    String referenceText = boxed(problem.referenceAnswer()) != null ? boxed(problem.referenceAnswer())
        : problem.referenceAnswer();
    Quantity reference = strict ? null : Quantity.parse(plain(referenceText));
    boolean correct = answerText != null && (reference != null ? answer != null && answer.matches(reference)
        : TaskText.canonical(plain(answerText)).equals(TaskText.canonical(plain(referenceText))));
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

  /** The final answer read as a quantity (boxed, else after the last {@code Answer:}), or null. */
  public static Quantity finalAnswer(String completion) {
    String t = finalAnswerText(completion);
    return t == null ? null : Quantity.parse(plain(t));
  }

  /** The final answer's text: the last {@code \boxed{...}}'s content, else what follows the last {@code Answer:}. */
  public static String finalAnswerText(String completion) {
    String b = boxed(completion);
    if (b != null) {
      return b;
    }
    String text = TaskText.canonical(completion);
    int at = text.lastIndexOf("Answer :");
    if (at < 0) {
      return null;
    }
    String rest = text.substring(at + "Answer :".length()).trim();
    int end = rest.indexOf(" ;");
    return end < 0 ? rest : rest.substring(0, end);
  }

  /** The content of the last {@code \boxed{...}} with its nested braces, or null (none, or unclosed). */
  public static String boxed(String text) {
    int at = text.lastIndexOf("\\boxed{");
    while (at >= 0) {
      int depth = 0;
      for (int i = at + "\\boxed".length(); i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          return text.substring(at + "\\boxed{".length(), i).strip();
        }
      }
      at = text.lastIndexOf("\\boxed{", at - 1); // unclosed: an earlier one may be whole
    }
    return null;
  }

  /** LaTeX answer markup removed: {@code \text{x}} and {@code \mathrm{x}} become x, thin spaces and {@code $} go. */
  static String plain(String answer) {
    String s = answer;
    for (String wrapper : new String[] {"\\text{", "\\mathrm{", "\\textbf{", "\\mathbf{"}) {
      int at;
      while ((at = s.indexOf(wrapper)) >= 0) {
        int depth = 0;
        int end = -1;
        for (int i = at + wrapper.length() - 1; i < s.length(); i++) {
          if (s.charAt(i) == '{') {
            depth++;
          } else if (s.charAt(i) == '}' && --depth == 0) {
            end = i;
            break;
          }
        }
        if (end < 0) {
          break;
        }
        s = s.substring(0, at) + s.substring(at + wrapper.length(), end) + s.substring(end + 1);
      }
    }
    return s.replace("\\,", " ").replace("\\;", " ").replace("\\!", "").replace("\\ ", " ").replace("~", " ")
        .replace("$", "").strip();
  }
}
