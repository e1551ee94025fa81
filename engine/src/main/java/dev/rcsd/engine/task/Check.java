package dev.rcsd.engine.task;

/**
 * A machine check of a criterion against a completion, in canonical text (see {@link TaskText}).
 *
 * <pre>
 *   contains  the completion holds {@code text}
 *   answer    the final answer equals {@code value} {@code unit} (numeric tolerance, unit conversion)
 *   unit      the final answer is given in {@code unit}
 * </pre>
 */
public record Check(String kind, String text, double value, String unit) {
  public static Check contains(String text) {
    return new Check("contains", TaskText.canonical(text), 0, "");
  }

  public static Check answer(double value, String unit) {
    return new Check("answer", "", value, TaskText.canonical(unit));
  }

  public static Check unit(String unit) {
    return new Check("unit", "", 0, TaskText.canonical(unit));
  }
}
