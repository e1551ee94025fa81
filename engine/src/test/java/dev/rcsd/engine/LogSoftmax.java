package dev.rcsd.engine;

/** Log-softmax of one row of logits in double precision: what tests compare the engine's against. */
public final class LogSoftmax {
  private LogSoftmax() {}

  /** log sum exp of {@code logits[base, base + vocab)}. */
  public static double logSumExp(float[] logits, int base, int vocab) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, logits[base + v]);
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += Math.exp(logits[base + v] - max);
    }
    return max + Math.log(sum);
  }

  /** log p(token) of the row at {@code base}. */
  public static double logProb(float[] logits, int base, int vocab, int token) {
    return logits[base + token] - logSumExp(logits, base, vocab);
  }
}
