package dev.rcsd.kernels;

/** Input that a kernel refuses, naming the array (by its golden-tensor name) and what is wrong. */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String array;

  public InvalidInputException(String array, String problem) {
    super(array + ": " + problem);
    this.array = array;
  }

  /** The input's name, e.g. {@code teacher_logits}. */
  public String array() {
    return array;
  }
}
