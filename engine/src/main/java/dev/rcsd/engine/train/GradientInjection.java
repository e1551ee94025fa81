package dev.rcsd.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.rcsd.engine.model.AttentionMask;
import dev.rcsd.engine.model.PolicyModel;

/**
 * Back-propagation of a gradient computed outside autograd. The kernel library returns
 * d loss / d logits; the model needs d loss / d parameters. Since
 *
 * <pre>
 *   d/d theta sum(logits(theta) * stopgrad(G)) = G . d logits / d theta = d loss / d theta   (chain rule)
 * </pre>
 *
 * back-propagating that surrogate from the forward's graph gives the exact parameter gradients,
 * which accumulate on the parameters for {@link AdamW#step}.
 */
public final class GradientInjection {
  /** Fills the gradient of the loss with respect to the logits and returns the loss. */
  @FunctionalInterface
  public interface LogitsLoss {
    /**
     * @param logits [B, T, V] row-major
     * @param grad out [B, T, V]: d loss / d logits
     */
    double apply(float[] logits, float[] grad);
  }

  private GradientInjection() {}

  /**
   * Runs the model on a batch with autograd, asks {@code loss} for d loss / d logits, and
   * back-propagates it into the parameters' gradients.
   *
   * @param tokens [B, T] token ids
   * @param positions [B, T] positions in each sequence
   * @param valid [B][T] which columns hold tokens (the others are padding)
   * @return the loss
   * @throws NonFiniteException when the loss or d loss / d logits is NaN or infinite
   */
  public static double backward(PolicyModel model, long[] tokens, long[] positions, boolean[][] valid,
      LogitsLoss loss) {
    int batch = valid.length;
    int width = valid[0].length;
    NDManager nd = model.manager();
    try (NDScope scope = new NDScope();
        GradientCollector gc = Autograd.collector()) {
      NDArray logits = model.block().logits(nd.create(tokens, new ai.djl.ndarray.types.Shape(batch, width)),
          nd.create(positions, new ai.djl.ndarray.types.Shape(batch, width)), AttentionMask.causal(nd, valid, 0, width),
          null);
      float[] host = logits.toFloatArray();
      float[] grad = new float[host.length];
      double value = loss.apply(host, grad);
      if (!Double.isFinite(value)) {
        throw new NonFiniteException("loss is " + value);
      }
      for (float g : grad) {
        if (!Float.isFinite(g)) {
          throw new NonFiniteException("d loss / d logits holds " + g);
        }
      }
      NDArray surrogate = logits.mul(nd.create(grad, logits.getShape())).sum();
      gc.backward(surrogate);
      return value;
    }
  }
}
