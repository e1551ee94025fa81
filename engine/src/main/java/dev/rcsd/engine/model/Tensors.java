package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Writing host values into an existing tensor in place, bit for bit. */
public final class Tensors {
  private Tensors() {}

  /**
   * Copies {@code values} into {@code target} (any shape, same element count). Through indexing
   * rather than {@code NDArray.set(Buffer)}: DJL's native set opens PyTorch's deprecated
   * AutoNonVariableTypeMode, which prints a C++ warning on the console.
   */
  public static void assign(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new IllegalArgumentException(values.length + " values for a tensor of " + target.size() + " elements");
    }
    try (NDArray src = target.getManager().create(values, target.getShape())) {
      target.set(new NDIndex("..."), src);
    }
  }
}
