package dev.rcsd.engine.train;

/** A loss or gradient became NaN or infinite: training stops rather than corrupt the weights. */
public final class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NonFiniteException(String message) {
    super(message);
  }
}
