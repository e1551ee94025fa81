package dev.rcsd.kernels.simd;

/**
 * Softmax statistics of one logits row at temperature T, kept relative to the row maximum so that
 * logits of +-80 lose no precision: log p(v) = (z_v - max) / T - logZ. One instance per worker,
 * reused for every row.
 */
final class RowStats {
  /** The largest raw logit of the row. */
  float max;
  /** log sum_v exp((z_v - max) / T). */
  float logZ;
  /** -sum_v p(v) log p(v), when asked for. */
  float entropy;

  // accumulators of the chunk being summed
  double sumExp;
  double sumExpD;

  /** The running max (raw logit) each chunk's exponentials were taken against, when stored. */
  float[] chunkMax = new float[0];

  /** log p of raw logit {@code z}. */
  float logProb(float z, float invT) {
    return (z - max) * invT - logZ;
  }
}
