package dev.rcsd.engine.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * The prompts of the student and of the teachers, in one place. Placeholders: {@code {question}},
 * {@code {reference_answer}}, {@code {reference_solution}}, {@code {rubric}} (every criterion as
 * {@code - title: description (weight)}), {@code {rubric_json}} (the rubric as a JSON array of
 * {@code {"title", "description", "weight"}}, as the released RCSD prompts it) and {@code {criterion}}
 * (one criterion, a pitfall phrased "avoid ..."). Every prompt ends where the solution begins, except
 * the reason-first analysis prompts, which end where the teacher's analysis begins.
 *
 * <p>A reason-first teacher (the released RCSD's {@code reason_first}) scores under
 * {@code analysis prompt + its own sampled analysis + transition}; {@link Analysis} is what the
 * built-in model learns to write there.
 *
 * @param student the question only
 * @param reference OPSD's teacher: the question and the reference solution
 * @param rubric RCSD's teacher: the question, the reference answer and the whole rubric
 * @param criterion the per-criterion teacher of rcsd-criteria: the question and one criterion
 * @param rubricAnalysis the reason-first RCSD teacher's first prompt: question, reference answer and
 *     rubric, asking for the key requirements without solving
 * @param referenceAnalysis the reason-first OPSD teacher's first prompt: question and reference solution
 * @param transition what follows the teacher's analysis: the guidance is private, now solve
 */
public record PromptTemplates(String student, String reference, String rubric, String criterion,
    String rubricAnalysis, String referenceAnalysis, String transition) {
  // The released prompts, shortened for the tiny model's context: the rubric as lines rather than
  // JSON ({rubric_json} gives the released form) and one sentence of instruction each.
  private static final String RUBRIC_ANALYSIS = "Question: {question} Reference answer: {reference_answer}"
      + " Rubric: {rubric} Briefly explain the key requirements of the reference answer and rubric."
      + " Do not solve the question yet. Analysis:";
  private static final String REFERENCE_ANALYSIS = "Question: {question} Reference solution: {reference_solution}"
      + " Briefly explain the key steps of the reference solution. Do not solve the question yet. Analysis:";
  private static final String TRANSITION = "The guidance above is private. Do not mention it. Solve the question"
      + " on your own, step by step. Solution:";
  public static final PromptTemplates DEFAULTS = new PromptTemplates(
      "Question: {question} Solution:",
      "Question: {question} Reference solution: {reference_solution} Solution:",
      "Question: {question} Reference answer: {reference_answer} Rubric: {rubric} Use the rubric but do not mention it."
          + " Solution:",
      "Question: {question} Hint: {criterion} Solution:",
      RUBRIC_ANALYSIS, REFERENCE_ANALYSIS, TRANSITION);
  private static final ObjectMapper JSON = new ObjectMapper();

  public PromptTemplates { // configurations written before reason-first teachers existed lack the last three
    rubricAnalysis = rubricAnalysis == null ? RUBRIC_ANALYSIS : rubricAnalysis;
    referenceAnalysis = referenceAnalysis == null ? REFERENCE_ANALYSIS : referenceAnalysis;
    transition = transition == null ? TRANSITION : transition;
  }

  /** The student's prompt: the question through {@code student}, or as a chat-message dataset wrote it. */
  public String student(Problem p) {
    return p.messages().isEmpty() ? fill(student, p, "") : p.question();
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

  /** The reason-first teacher's first prompt for a context, "rubric" or "reference": it ends where its analysis begins. */
  public String analysis(String context, Problem p) {
    return switch (context) {
      case "rubric" -> fill(rubricAnalysis, p, "");
      case "reference" -> fill(referenceAnalysis, p, "");
      default -> throw new IllegalArgumentException("reason_first applies to the rubric and reference teachers, not '"
          + context + "'");
    };
  }

  /** The whole reason-first teacher prompt as text: analysis prompt, the analysis, the transition. */
  public String reasonFirst(String context, Problem p, String analysis) {
    return analysis(context, p) + " " + analysis + " " + transition;
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
    String filled = template.contains("{rubric_json}") ? template.replace("{rubric_json}", rubricJson(p.rubric()))
        : template;
    return filled.replace("{question}", p.question())
        .replace("{reference_answer}", p.referenceAnswer())
        .replace("{reference_solution}", p.referenceSolution())
        .replace("{rubric}", rubric)
        .replace("{criterion}", criterion);
  }

  /** The rubric as the released RCSD prompts it: a JSON array of {"title", "description", "weight"}. */
  static String rubricJson(Rubric rubric) {
    ArrayNode a = JSON.createArrayNode();
    for (Criterion c : rubric.criteria()) {
      a.addObject().put("title", c.title()).put("description", c.description()).put("weight", c.weight());
    }
    try {
      return JSON.writeValueAsString(a);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
