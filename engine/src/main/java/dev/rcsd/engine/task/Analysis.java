package dev.rcsd.engine.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The analysis a reason-first teacher writes before it scores (the released RCSD's "briefly
 * explain the key requirements ... do not solve the question yet"). A pretrained model writes its
 * own; the built-in tiny model learns to write this one in its SFT warm-up:
 *
 * <pre>
 *   rubric     "Key requirements: " + every positive criterion's description + " Avoid: " + each pitfall's
 *   reference  "Key steps: " + each step of the reference solution as "formula gives value" + the answer
 * </pre>
 */
public final class Analysis {
  private Analysis() {}

  /** The analysis of {@code p} for a teacher context, "rubric" or "reference". */
  public static String of(String context, Problem p) {
    return switch (context) {
      case "rubric" -> ofRubric(p.rubric());
      case "reference" -> ofReference(p.referenceSolution());
      default -> throw new IllegalArgumentException("no analysis for teacher context '" + context
          + "' (reason_first applies to rubric and reference)");
    };
  }

  static String ofRubric(Rubric rubric) {
    StringBuilder s = new StringBuilder("Key requirements:");
    List<String> pitfalls = new ArrayList<>();
    for (Criterion c : rubric.criteria()) {
      if (c.pitfall()) {
        pitfalls.add(c.description());
      } else {
        s.append(' ').append(c.description());
      }
    }
    if (!pitfalls.isEmpty()) {
      s.append(" Avoid:");
      pitfalls.forEach(d -> s.append(' ').append(d));
    }
    return TaskText.canonical(s.toString());
  }

  /** Each "lhs = formula = ... = value" step as "lhs = formula gives value"; "Answer: X" as "The answer is X." */
  static String ofReference(String solution) {
    StringBuilder s = new StringBuilder("Key steps:");
    for (String step : solution.split(";")) {
      String t = step.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith("Answer:")) {
        s.append(" The answer is ").append(t.substring("Answer:".length()).strip()).append('.');
        continue;
      }
      String[] parts = t.split(" = ");
      if (parts.length >= 3) {
        s.append(' ').append(parts[0]).append(" = ").append(parts[1]).append(" gives ").append(parts[parts.length - 1])
            .append(';');
      } else {
        s.append(' ').append(t).append(';');
      }
    }
    return TaskText.canonical(s.toString());
  }
}
