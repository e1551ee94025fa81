package dev.rcsd.engine.task;

import java.util.List;

/**
 * Where a rubric dataset keeps each field: for every field the names it may have, the first one a
 * record holds wins (config {@code data_fields}); a dotted name ({@code reward_model.ground_truth})
 * reaches into nested objects. The defaults cover our JSONL, RubricHub- and RaR-style records and
 * verl's RL layout.
 *
 * @param id the record's id (optional: FILE-LINE otherwise)
 * @param question the prompt
 * @param referenceAnswer the final answer graded against
 * @param referenceSolution a worked solution (optional: the reference answer otherwise)
 * @param rubric the list of criteria (an array, or a string holding a JSON array)
 * @param title a criterion's title (optional: its label, else its first words)
 * @param description a criterion's text
 * @param weight a criterion's numeric weight (negative: a pitfall)
 * @param importance a criterion's label when it has no weight: Essential, Important, Optional or Pitfall
 */
public record DataFields(List<String> id, List<String> question, List<String> referenceAnswer,
    List<String> referenceSolution, List<String> rubric, List<String> title, List<String> description,
    List<String> weight, List<String> importance) {
  public static final DataFields DEFAULTS = new DataFields(List.of("id", "uid", "extra_info.index"),
      List.of("question", "prompt", "problem", "extra_info.question"),
      List.of("reference_answer", "answer", "reference", "ground_truth", "reward_model.ground_truth",
          "extra_info.answer"),
      List.of("reference_solution", "solution", "extra_info.reference_solution", "extra_info.solution"),
      List.of("rubric", "rubrics", "Rubrics", "rubric_list", "reward_model.rubrics", "extra_info.rubrics"),
      List.of("title"),
      List.of("description", "criterion", "text"), List.of("weight", "points", "score"),
      List.of("importance", "category", "label"));

  public DataFields {
    for (List<String> names : List.of(id, question, referenceAnswer, referenceSolution, rubric, title, description,
        weight, importance)) {
      if (names == null || names.isEmpty()) {
        throw new IllegalArgumentException("data_fields: every field needs at least one name");
      }
    }
  }
}
