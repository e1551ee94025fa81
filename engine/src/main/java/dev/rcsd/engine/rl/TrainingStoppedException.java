package dev.rcsd.engine.rl;

/** A run stopped because a loss or gradient was NaN or infinite; the message names the step and method. */
public final class TrainingStoppedException extends IllegalStateException {
  public TrainingStoppedException(String message, Throwable cause) {
    super(message, cause);
  }
}
