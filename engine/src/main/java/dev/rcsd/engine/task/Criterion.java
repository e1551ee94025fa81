package dev.rcsd.engine.task;

/**
 * One rubric criterion as RCSD publishes rubrics.
 *
 * @param weight -1 marks a pitfall (a mistake that must not be made); 1..10 otherwise, 7..10
 *     essential
 * @param check how the built-in grader decides the criterion, or null when the dataset gives
 *     none (then only a heuristic applies)
 */
public record Criterion(String title, String description, int weight, Check check) {
  public static final int MAX_DESCRIPTION_WORDS = 40;

  public boolean pitfall() {
    return weight == -1;
  }

  public boolean essential() {
    return weight >= 7;
  }

  /** The criterion as a teacher reads it: a pitfall becomes "avoid ...". */
  public String asInstruction() {
    return pitfall() ? "avoid " + description : description;
  }
}
