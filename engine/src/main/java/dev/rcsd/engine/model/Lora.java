package dev.rcsd.engine.model;

import java.util.List;

/**
 * Low-rank adapters on chosen projections of every decoder layer, as PEFT's LoRA: the layer computes
 * {@code x W^T + (alpha / r) (x A^T) B^T} with A [r, in] and B [out, r], the base weight W frozen.
 * B starts at zero, so a fresh adapter leaves the model unchanged; A starts uniform in
 * [-1/sqrt(in), 1/sqrt(in)] (PEFT's Kaiming-uniform default).
 *
 * @param rank r, at least 1
 * @param alpha the scale's numerator; the update is scaled by alpha / r
 * @param targets projection names ({@link #PROJECTIONS}), e.g. q_proj and v_proj
 */
public record Lora(int rank, double alpha, List<String> targets) {
  public static final List<String> PROJECTIONS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  public Lora {
    if (rank < 1) {
      throw new IllegalArgumentException("lora rank = " + rank + " must be >= 1");
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("lora alpha = " + alpha + " must be finite and > 0");
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("lora targets are empty; name some of " + PROJECTIONS);
    }
    for (String t : targets) {
      if (!PROJECTIONS.contains(t)) {
        throw new IllegalArgumentException("lora target '" + t + "' is not one of " + PROJECTIONS);
      }
    }
    targets = List.copyOf(targets);
  }

  /** alpha / r. */
  public double scale() {
    return alpha / rank;
  }
}
