package dev.rcsd.kernels;

/** Shape checks for the caller-owned output arrays of a kernel call. */
public final class Outputs {
  private Outputs() {}

  /** Throws unless {@code a} has exactly {@code length} elements. */
  public static float[] require(String name, float[] a, long length) {
    if (a == null) {
      throw new IllegalArgumentException("output " + name + " is missing");
    }
    if (a.length != length) {
      throw new IllegalArgumentException(
          "output " + name + " has " + a.length + " elements, expected " + length);
    }
    return a;
  }

  /** As {@link #require}, but {@code null} means "not wanted". */
  public static float[] optional(String name, float[] a, long length) {
    return a == null ? null : require(name, a, length);
  }

  /**
   * The weight of row {@code n} in a loss normalised by {@code contexts * M}: {@code mask[n] / (K M)},
   * or 0 when M = 0 so that an empty mask gives a zero loss and gradient.
   */
  public static double rowScale(LossBatch batch, int contexts) {
    double m = batch.maskSum();
    return m > 0 ? 1.0 / (contexts * m) : 0.0;
  }
}
