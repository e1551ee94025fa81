package dev.rcsd.kernels;

/**
 * The k-entry part of {@link TopKDistillation} for one row and teacher context, once S is chosen:
 * both softmaxes restricted to S, the clipped terms and the gradient entries, in double. Shared by
 * every backend that selects S itself (on the host or on a device) and finishes on the host.
 */
public final class RestrictedKl {
  private RestrictedKl() {}

  /**
   * @param teacher the teacher's logits at S, [size]
   * @param ids the ids of S within the row, [size]
   * @param z the student's logits; the row starts at {@code base}
   * @param c the gradient's factor mask[n] / (K M T); 0 skips the gradient
   * @param qs scratch [size]: the student's restricted softmax
   * @param qa scratch [size]: the teacher's, 0 where the entry is clipped
   * @param grad c times the gradient is added to grad[base + ids[i]]
   * @return topk_kl of the row and context
   */
  public static double addTerms(float[] teacher, int[] ids, int size, float[] z, int base, double t, double clip,
      double c, double[] qs, double[] qa, float[] grad) {
    float tMax = Float.NEGATIVE_INFINITY;
    float sMax = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      tMax = Math.max(tMax, teacher[i]);
      sMax = Math.max(sMax, z[base + ids[i]]);
    }
    double sumT = 0;
    double sumS = 0;
    for (int i = 0; i < size; i++) {
      sumT += Math.exp((teacher[i] - (double) tMax) / t);
      sumS += Math.exp((z[base + ids[i]] - (double) sMax) / t);
    }
    double logZt = Math.log(sumT);
    // every id of S padded in the student: its restricted softmax is empty, q_S = 0 throughout
    double logZs = sMax == Float.NEGATIVE_INFINITY ? 0 : Math.log(sumS);
    double kl = 0;
    double activeMass = 0;
    for (int i = 0; i < size; i++) {
      int id = ids[i];
      double logQt = (teacher[i] - (double) tMax) / t - logZt;
      double logQs = sMax == Float.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY
          : (z[base + id] - (double) sMax) / t - logZs;
      double qt = Math.exp(logQt);
      qs[i] = Math.exp(logQs);
      double term = qt > 0 ? qt * (logQt - logQs) : 0;
      kl += Math.min(clip, term);
      qa[i] = term <= clip ? qt : 0;
      activeMass += qa[i];
    }
    if (c != 0) {
      for (int i = 0; i < size; i++) {
        grad[base + ids[i]] += (float) (c * (qs[i] * activeMass - qa[i]));
      }
    }
    return kl;
  }
}
