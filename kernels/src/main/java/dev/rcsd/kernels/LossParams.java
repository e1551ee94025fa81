package dev.rcsd.kernels;

/**
 * The scalar hyper-parameters of every loss kernel, validated once.
 *
 * @param temperature T: every softmax is taken over {@code logits / T}; finite and positive
 * @param jsdBeta     beta of the generalized JSD, in [0, 1]
 * @param topK        k of the top-k distillation; {@code >= 1}, values above the vocabulary mean all of it
 * @param klClip      c, the per-entry clip of the top-k KL; {@code >= 0}, may be +inf
 * @param advClip     a, the clip of each teacher/student log-ratio; {@code >= 0}, may be +inf
 * @param epsLow      lower ratio clip of GRPO, in [0, 1)
 * @param epsHigh     upper ratio clip of GRPO, {@code >= 0}
 * @param klCoef      coefficient of GRPO's k3 KL to the reference, finite and {@code >= 0}
 */
public record LossParams(
    float temperature,
    float jsdBeta,
    int topK,
    float klClip,
    float advClip,
    float epsLow,
    float epsHigh,
    float klCoef) {

  /** RCSD's released setting (T = 1.2, top-20, clip 0.05) with GRPO's usual clips and no KL. */
  public static final LossParams DEFAULTS = new LossParams(1.2f, 0.5f, 20, 0.05f, 5f, 0.2f, 0.2f, 0f);

  public LossParams {
    require(Float.isFinite(temperature) && temperature > 0, "temperature", temperature, "finite and > 0");
    require(jsdBeta >= 0 && jsdBeta <= 1, "jsd_beta", jsdBeta, "in [0, 1]");
    require(topK >= 1, "top_k", topK, ">= 1");
    require(klClip >= 0, "kl_clip", klClip, ">= 0 (may be +inf)");
    require(advClip >= 0, "adv_clip", advClip, ">= 0 (may be +inf)");
    require(epsLow >= 0 && epsLow < 1, "eps_low", epsLow, "in [0, 1)");
    require(epsHigh >= 0, "eps_high", epsHigh, ">= 0");
    require(Float.isFinite(klCoef) && klCoef >= 0, "kl_coef", klCoef, "finite and >= 0");
  }

  private static void require(boolean ok, String name, double value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(name + " = " + value + " must be " + rule);
    }
  }

  public LossParams withTemperature(float t) {
    return new LossParams(t, jsdBeta, topK, klClip, advClip, epsLow, epsHigh, klCoef);
  }

  public LossParams withJsdBeta(float beta) {
    return new LossParams(temperature, beta, topK, klClip, advClip, epsLow, epsHigh, klCoef);
  }

  public LossParams withTopK(int k) {
    return new LossParams(temperature, jsdBeta, k, klClip, advClip, epsLow, epsHigh, klCoef);
  }

  public LossParams withKlClip(float c) {
    return new LossParams(temperature, jsdBeta, topK, c, advClip, epsLow, epsHigh, klCoef);
  }

  public LossParams withAdvClip(float a) {
    return new LossParams(temperature, jsdBeta, topK, klClip, a, epsLow, epsHigh, klCoef);
  }

  public LossParams withClip(float low, float high) {
    return new LossParams(temperature, jsdBeta, topK, klClip, advClip, low, high, klCoef);
  }

  public LossParams withKlCoef(float coef) {
    return new LossParams(temperature, jsdBeta, topK, klClip, advClip, epsLow, epsHigh, coef);
  }
}
