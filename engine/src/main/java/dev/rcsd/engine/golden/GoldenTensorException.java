package dev.rcsd.engine.golden;

/** A golden-tensor file that cannot be used, with the file and the array at fault in the message. */
public final class GoldenTensorException extends Exception {
  private static final long serialVersionUID = 1L;

  public GoldenTensorException(String message, Throwable cause) {
    super(message, cause);
  }

  public GoldenTensorException(String message) {
    super(message);
  }
}
