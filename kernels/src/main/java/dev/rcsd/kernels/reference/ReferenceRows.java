package dev.rcsd.kernels.reference;

/** Double-precision row helpers shared by the reference kernels. */
final class ReferenceRows {
  private ReferenceRows() {}

  /** out[v] = log softmax(z[off .. off+vocab) / t)[v], in double; -inf logits give -inf. */
  static void logSoftmax(float[] z, int off, int vocab, double t, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, z[off + v] / t);
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += Math.exp(z[off + v] / t - max);
    }
    double lse = max + Math.log(sum);
    for (int v = 0; v < vocab; v++) {
      out[v] = z[off + v] / t - lse;
    }
  }

  /** -sum p log p over a row of log-probabilities, skipping p = 0. */
  static double entropy(double[] logp, int vocab) {
    double h = 0;
    for (int v = 0; v < vocab; v++) {
      if (logp[v] != Double.NEGATIVE_INFINITY) {
        h -= Math.exp(logp[v]) * logp[v];
      }
    }
    return h;
  }

  /** log(e^a + e^b) without overflow; -inf when both are -inf. */
  static double logAddExp(double a, double b) {
    double hi = Math.max(a, b);
    if (hi == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
  }
}
