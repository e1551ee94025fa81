package dev.rcsd.engine.task;

import java.util.stream.Collectors;

/**
 * The prompts of the student and of the teachers, in one place. Placeholders: {@code {question}},
 * {@code {reference_answer}}, {@code {reference_solution}}, {@code {rubric}} (every criterion as
 * {@code - title: description (weight)}) and {@code {criterion}} (one criterion, a pitfall phrased
 * "avoid ..."). Every prompt ends where the solution begins.
 *
 * @param student the question only
 * @param reference OPSD's teacher: the question and the reference solution
 * @param rubric RCSD's teacher: the question, the reference answer and the whole rubric
 * @param criterion the per-criterion teacher of rcsd-criteria: the question and one criterion
 */
public record PromptTemplates(String student, String reference, String rubric, String criterion) {
  public static final PromptTemplates DEFAULTS = new PromptTemplates(
      "Question: {question} Solution:",
      "Question: {question} Reference solution: {reference_solution} Solution:",
      "Question: {question} Reference answer: {reference_answer} Rubric: {rubric} Use the rubric but do not mention it."
          + " Solution:",
      "Question: {question} Hint: {criterion} Solution:");

  public String student(Problem p) {
    return fill(student, p, "");
  }

  public String reference(Problem p) {
    return fill(reference, p, "");
  }

  public String rubric(Problem p) {
    return fill(rubric, p, "");
  }

  /** The prompt of the teacher that sees only criterion {@code i}. */
  public String criterion(Problem p, int i) {
    return fill(criterion, p, p.rubric().criteria().get(i).asInstruction());
  }

  /** The prompt for a teacher context by name: student, reference, rubric or criterion:I. */
  public String context(String name, Problem p) {
    if (name.startsWith("criterion:")) {
      return criterion(p, Integer.parseInt(name.substring("criterion:".length())));
    }
    return switch (name) {
      case "student" -> student(p);
      case "reference" -> reference(p);
      case "rubric" -> rubric(p);
      default -> throw new IllegalArgumentException("unknown prompt context '" + name + "'");
    };
  }

  private static String fill(String template, Problem p, String criterion) {
    String rubric = p.rubric().criteria().stream()
        .map(c -> "- " + c.title() + ": " + c.description() + " (" + c.weight() + ")")
        .collect(Collectors.joining(" "));
    return template.replace("{question}", p.question())
        .replace("{reference_answer}", p.referenceAnswer())
        .replace("{reference_solution}", p.referenceSolution())
        .replace("{rubric}", rubric)
        .replace("{criterion}", criterion);
  }
}
