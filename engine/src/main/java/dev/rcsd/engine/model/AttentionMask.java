package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The additive attention masks of the decoder. */
public final class AttentionMask {
  /** Added to attention scores that must get no weight; finite, so a fully masked row stays finite. */
  public static final float MASKED = -1e9f;

  private AttentionMask() {}

  /**
   * The additive mask for queries at [start, start + T) over keys [0, S): a key is visible when it
   * is not padding ({@code keyValid[b][j]}) and not after the query.
   */
  public static NDArray causal(NDManager m, boolean[][] keyValid, int start, int queries) {
    int batch = keyValid.length;
    int keys = keyValid[0].length;
    float[] bias = new float[batch * queries * keys];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < queries; i++) {
        for (int j = 0; j < keys; j++) {
          boolean visible = keyValid[b][j] && j <= start + i;
          bias[(b * queries + i) * keys + j] = visible ? 0f : MASKED;
        }
      }
    }
    return m.create(bias, new Shape(batch, 1, queries, keys));
  }
}
