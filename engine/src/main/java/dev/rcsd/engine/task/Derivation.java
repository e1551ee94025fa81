package dev.rcsd.engine.task;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a worked solution and its rubric from the steps of a calculation. Every step becomes
 * {@code formula = substitution = ... = value unit}, the arithmetic written out one operation at a
 * time ({@link Arithmetic}); the rubric checks each formula, each intermediate value, the unit and
 * the final answer, plus the template's pitfalls (typical wrong answers). A pitfall is written as
 * the steps it replaces the solution's last ones with, which gives the mistaken solution a
 * student would write ({@link Problem#mistakenSolution()}, the first pitfall's).
 *
 * <pre>
 *   new Derivation().step("final speed", "v = u + a * t", "3 + 2 * 4", 11, "m/s")
 *       .pitfall("Forgets the initial speed", "Forgetting the initial speed",
 *           new Derivation().step("final speed", "v = a * t", "2 * 4", 8, "m/s"))
 *       .problem(id, question, template)
 * </pre>
 */
final class Derivation {
  private record Step(String quantity, String formula, String substitution, long value, String unit) {}

  private record Pitfall(String title, String mistake, List<Step> tail) {
    long wrongValue() {
      return tail.get(tail.size() - 1).value();
    }
  }

  private final List<Step> steps = new ArrayList<>();
  private final List<Pitfall> pitfalls = new ArrayList<>();

  Derivation step(String quantity, String formula, String substitution, long value, String unit) {
    steps.add(new Step(quantity, formula, substitution, value, unit));
    return this;
  }

  /**
   * A typical mistake: {@code tail}'s steps in place of as many last steps of this derivation;
   * its last value is the wrong final answer (in the final unit).
   */
  Derivation pitfall(String title, String mistake, Derivation tail) {
    if (tail.steps.isEmpty() || tail.steps.size() > steps.size()) {
      throw new IllegalArgumentException("pitfall '" + title + "' replaces " + tail.steps.size() + " of " + steps.size()
          + " steps");
    }
    pitfalls.add(new Pitfall(title, mistake, List.copyOf(tail.steps)));
    return this;
  }

  long answer() {
    return steps.get(steps.size() - 1).value();
  }

  /** False when a pitfall's wrong answer happens to be right, which would make it uncheckable. */
  boolean distinct() {
    return pitfalls.stream().noneMatch(p -> p.wrongValue() == answer());
  }

  Problem problem(String id, String question, String template) {
    Step last = steps.get(steps.size() - 1);
    List<Criterion> criteria = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      criteria.add(new Criterion("Uses " + s.formula(), "States the relation " + s.formula() + " for the " + s.quantity()
          + ".", i == steps.size() - 1 ? 8 : 6, Check.contains(s.formula())));
      if (i < steps.size() - 1) {
        String result = s.value() + " " + s.unit();
        criteria.add(new Criterion("Finds the " + s.quantity(), "Computes the " + s.quantity() + " as " + result + ".", 5,
            Check.contains("= " + result)));
      }
    }
    String answer = last.value() + " " + last.unit();
    criteria.add(new Criterion("Correct final answer", "The final answer is " + answer + ".", 10,
        Check.answer(last.value(), last.unit())));
    criteria.add(new Criterion("Correct unit", "The answer is given in " + last.unit() + ".", 3, Check.unit(last.unit())));
    for (Pitfall p : pitfalls) {
      criteria.add(new Criterion(p.title(), p.mistake() + ", which gives " + p.wrongValue() + " " + last.unit() + ".", -1,
          Check.answer(p.wrongValue(), last.unit())));
    }
    String mistaken = "";
    if (!pitfalls.isEmpty()) {
      List<Step> wrong = new ArrayList<>(steps.subList(0, steps.size() - pitfalls.get(0).tail().size()));
      wrong.addAll(pitfalls.get(0).tail());
      mistaken = solution(wrong);
    }
    return new Problem(id, question, answer, solution(steps), new Rubric(criteria), template, steps.size(), mistaken);
  }

  /** The worked solution of {@code steps}: each step's formula, substitution and arithmetic, then the answer. */
  private static String solution(List<Step> steps) {
    StringBuilder solution = new StringBuilder();
    for (Step s : steps) {
      solution.append(s.formula()).append(" = ").append(s.substitution());
      List<String> chain = Arithmetic.steps(s.substitution());
      for (int k = 0; k < chain.size() - 1; k++) {
        solution.append(" = ").append(chain.get(k));
      }
      solution.append(" = ").append(s.value()).append(' ').append(s.unit()).append(" ; ");
    }
    Step last = steps.get(steps.size() - 1);
    return solution.append("Answer: ").append(last.value()).append(' ').append(last.unit()).toString();
  }
}
