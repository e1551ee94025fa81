package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch being generated, preallocated to the longest
 * sequence so that each step writes in place: [B, kv_heads, capacity, head_dim] per layer.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final Layer[] layers;
  private final int capacity;
  private int length;

  KvCache(NDManager parent, ModelConfig c, int batch, int capacity) {
    this.manager = parent.newSubManager();
    this.capacity = capacity;
    this.layers = new Layer[c.layers()];
    Shape shape = new Shape(batch, c.kvHeads(), capacity, c.headDim());
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new Layer(manager.zeros(shape), manager.zeros(shape));
    }
  }

  /** Positions filled so far. */
  public int length() {
    return length;
  }

  Layer layer(int i) {
    return layers[i];
  }

  /** Marks {@code n} more positions filled, after every layer has appended them. */
  void advance(int n) {
    length += n;
  }

  /** One layer's keys and values. */
  final class Layer {
    private final NDArray keys;
    private final NDArray values;

    private Layer(NDArray keys, NDArray values) {
      this.keys = keys;
      this.values = values;
    }

    /** Writes k and v [B, KV, T, D] after the filled positions; returns everything so far. */
    NDList append(NDArray k, NDArray v) {
      long t = k.getShape().get(2);
      if (length + t > capacity) {
        throw new IllegalStateException("KV cache of " + capacity + " positions is full");
      }
      NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
      keys.set(slot, k);
      values.set(slot, v);
      NDIndex filled = new NDIndex(":, :, :{}", length + t);
      return new NDList(keys.get(filled), values.get(filled));
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
