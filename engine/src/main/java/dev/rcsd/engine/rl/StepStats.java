package dev.rcsd.engine.rl;

/**
 * What one step measured.
 *
 * @param reward mean reward of the step's rollouts
 * @param accuracy share of them with a correct final answer
 * @param kl mean per-token KL (k3 estimate) of the policy from the frozen initial model
 * @param teacherDivergence mean per-token divergence to the teacher the method minimises (NaN for GRPO)
 * @param tokens completion tokens sampled
 */
public record StepStats(long step, double loss, double reward, double accuracy, double kl, double teacherDivergence,
    double gradNorm, double learningRate, long tokens, double seconds) {

  /** Collects the parts of a step's statistics as the stages produce them. */
  public static final class Builder {
    double loss = Double.NaN;
    double reward = Double.NaN;
    double accuracy = Double.NaN;
    double kl = Double.NaN;
    double teacherDivergence = Double.NaN;
    double gradNorm = Double.NaN;
    double learningRate = Double.NaN;
    long tokens;

    StepStats build(long step, double seconds) {
      return new StepStats(step, loss, reward, accuracy, kl, teacherDivergence, gradNorm, learningRate, tokens, seconds);
    }
  }
}
