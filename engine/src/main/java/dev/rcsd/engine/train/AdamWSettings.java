package dev.rcsd.engine.train;

/**
 * AdamW as PyTorch defines it (decoupled weight decay), plus clipping by global gradient norm.
 *
 * @param weightDecay applied to matrices only, not to norm weights or biases
 * @param maxGradNorm the global L2 norm gradients are scaled down to; +inf for none
 */
public record AdamWSettings(double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
  public static final AdamWSettings DEFAULTS = new AdamWSettings(0.9, 0.999, 1e-8, 0.01, 1.0);

  public AdamWSettings {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("AdamW betas (" + beta1 + ", " + beta2 + ") must be in [0, 1)");
    }
    if (!(eps > 0) || !(weightDecay >= 0) || !(maxGradNorm > 0)) {
      throw new IllegalArgumentException("AdamW needs eps > 0, weight_decay >= 0 and max_grad_norm > 0");
    }
  }
}
