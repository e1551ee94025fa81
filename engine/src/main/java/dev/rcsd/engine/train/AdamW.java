package dev.rcsd.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import dev.rcsd.engine.model.DecoderModel;
import dev.rcsd.engine.model.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW over a decoder's trainable parameters (its LoRA adapters when it has them, else all), with its moments as explicit tensors so that a checkpoint
 * can hold them and a resumed run continues bit for bit:
 *
 * <pre>
 *   g = clip(grad)                         (global L2 norm <= max_grad_norm)
 *   p -= lr wd p                            (matrices only)
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
 *   p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 */
public final class AdamW implements AutoCloseable {
  private final AdamWSettings settings;
  private final Map<String, Parameter> params;
  private final Map<String, NDArray> first = new LinkedHashMap<>();
  private final Map<String, NDArray> second = new LinkedHashMap<>();
  private final NDManager manager;
  private long steps;

  public AdamW(DecoderModel model, NDManager parent, AdamWSettings settings) {
    this.settings = settings;
    this.params = model.trainableParameters();
    this.manager = parent.newSubManager();
    // with adapters the base weights are frozen: autograd computes no gradient for them
    model.namedParameters().forEach((name, p) -> {
      if (!params.containsKey(name)) {
        p.getArray().setRequiresGradient(false);
      }
    });
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray p = e.getValue().getArray();
      p.setRequiresGradient(true);
      first.put(e.getKey(), manager.zeros(p.getShape()));
      second.put(e.getKey(), manager.zeros(p.getShape()));
    }
  }

  /** Updates completed so far. */
  public long steps() {
    return steps;
  }

  public AdamWSettings settings() {
    return settings;
  }

  /** Global L2 norm of the current gradients. */
  public double gradientNorm() {
    double total = 0;
    try (NDScope scope = new NDScope()) {
      for (Parameter p : params.values()) {
        NDArray g = p.getArray().getGradient();
        total += g.mul(g).sum().getFloat();
      }
    }
    return Math.sqrt(total);
  }

  /**
   * One update from the parameters' gradients, which are then zeroed.
   *
   * @return the gradients' global norm before clipping
   * @throws NonFiniteException when a gradient is NaN or infinite (nothing is updated)
   */
  public double step(double lr) {
    double norm = gradientNorm();
    if (!Double.isFinite(norm)) {
      try (NDScope scope = new NDScope()) {
        for (Parameter p : params.values()) {
          NDArray g = p.getArray().getGradient();
          Tensors.assign(g, new float[(int) g.size()]);
        }
      }
      throw new NonFiniteException("gradient norm is " + norm);
    }
    double clip = norm > settings.maxGradNorm() ? settings.maxGradNorm() / norm : 1.0;
    steps++;
    double c1 = 1 - Math.pow(settings.beta1(), steps);
    double c2 = 1 - Math.pow(settings.beta2(), steps);
    try (NDScope scope = new NDScope()) {
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        NDArray p = e.getValue().getArray();
        NDArray g = p.getGradient().mul(clip);
        NDArray m = first.get(e.getKey());
        NDArray v = second.get(e.getKey());
        if (p.getShape().dimension() >= 2 && settings.weightDecay() > 0) {
          p.subi(p.mul(lr * settings.weightDecay()));
        }
        m.muli(settings.beta1()).addi(g.mul(1 - settings.beta1()));
        v.muli(settings.beta2()).addi(g.mul(g).muli(1 - settings.beta2()));
        NDArray update = m.div(c1).div(v.div(c2).sqrt().add(settings.eps())).muli(lr);
        p.subi(update);
      }
    }
    zeroGradients();
    return norm;
  }

  /** Sets every (finite) gradient to zero: DJL accumulates them across backward passes. */
  public void zeroGradients() {
    try (NDScope scope = new NDScope()) { // each getGradient() is a new handle to free
      for (Parameter p : params.values()) {
        p.getArray().getGradient().muli(0);
      }
    }
  }

  /** The first (m) and second (v) moments by parameter name, for checkpoints. */
  public Map<String, NDArray> firstMoments() {
    return first;
  }

  public Map<String, NDArray> secondMoments() {
    return second;
  }

  /** Restores the moments and step count saved by a checkpoint. */
  public void restore(long stepCount, Map<String, float[]> m, Map<String, float[]> v) {
    for (String name : params.keySet()) {
      if (!m.containsKey(name) || !v.containsKey(name)) {
        throw new IllegalArgumentException("the checkpoint has no optimizer moments for " + name);
      }
      long size = first.get(name).size();
      if (m.get(name).length != size || v.get(name).length != size) {
        throw new IllegalArgumentException("the optimizer moments of " + name + " have " + m.get(name).length + " and "
            + v.get(name).length + " elements; the parameter has " + size);
      }
      Tensors.assign(first.get(name), m.get(name));
      Tensors.assign(second.get(name), v.get(name));
    }
    steps = stepCount;
  }

  @Override
  public void close() {
    manager.close();
  }
}
