package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** The tensor operations of the decoder, each as transformers computes it, on DJL NDArrays. */
final class Ops {
  private Ops() {}

  /** x W^T + b (PyTorch's F.linear). */
  static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
  }

  /** x / sqrt(mean(x^2 over the last axis) + eps) * w. */
  static NDArray rmsNorm(NDArray x, NDArray w, double eps) {
    NDArray rms = x.mul(x).mean(new int[] {-1}, true).add(Scalars.of(x, eps)).sqrt();
    return x.div(rms).mul(w);
  }

  static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /**
   * cos and sin of the rotary angles, [B, 1, T, D], for positions [B, T], times {@code factor}
   * (YaRN's attention factor, else 1).
   */
  static NDList ropeTables(NDArray positions, NDArray inverseFrequencies, double factor) {
    NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inverseFrequencies); // [B, T, D/2]
    NDArray both = NDArrays.concat(new NDList(angles, angles), -1).expandDims(1); // [B, 1, T, D]
    if (factor == 1.0) {
      return new NDList(both.cos(), both.sin());
    }
    return new NDList(both.cos().mul((float) factor), both.sin().mul((float) factor));
  }

  /** x cos + rotate_half(x) sin, x [B, heads, T, D]. */
  static NDArray rope(NDArray x, NDList tables) {
    long half = x.getShape().get(3) / 2;
    NDArray x1 = x.get("..., :{}", half);
    NDArray x2 = x.get("..., {}:", half);
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    return x.mul(tables.get(0)).add(rotated.mul(tables.get(1)));
  }

  /** [B, KV, S, D] to [B, KV * groups, S, D], each key/value head serving {@code groups} query heads. */
  static NDArray repeatKv(NDArray x, int groups) {
    if (groups == 1) {
      return x;
    }
    Shape s = x.getShape();
    return x.expandDims(2).repeat(2, groups).reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
  }

  /** softmax(q k^T / sqrt(D) + bias) v, q [B, H, T, D], k and v [B, H, S, D], bias [B, 1, T, S]. */
  static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray bias) {
    double scale = 1.0 / Math.sqrt(q.getShape().get(3));
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(Scalars.of(q, scale)).add(bias);
    return scores.softmax(-1).matMul(v);
  }
}
