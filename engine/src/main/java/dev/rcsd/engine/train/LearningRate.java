package dev.rcsd.engine.train;

/**
 * A learning-rate schedule: linear warm-up to the peak, then constant, linear or cosine decay to
 * {@code floor * peak} at {@code totalSteps}.
 */
public record LearningRate(double peak, int warmupSteps, int totalSteps, String decay, double floor) {
  public LearningRate {
    if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || !(floor >= 0 && floor <= 1)) {
      throw new IllegalArgumentException("learning rate: peak > 0, warmup >= 0, total >= 1, floor in [0, 1]");
    }
    if (!decay.equals("constant") && !decay.equals("linear") && !decay.equals("cosine")) {
      throw new IllegalArgumentException("learning-rate decay '" + decay + "' is not constant, linear or cosine");
    }
  }

  public static LearningRate constant(double lr) {
    return new LearningRate(lr, 0, 1, "constant", 1);
  }

  /** The rate of step {@code step} (0-based). */
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    if (decay.equals("constant") || totalSteps <= warmupSteps) {
      return peak;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
    double shape = decay.equals("linear") ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
    return peak * (floor + (1 - floor) * shape);
  }
}
