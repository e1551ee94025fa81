package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars for arithmetic inside an autograd graph. DJL's {@code mul(Number)}, {@code div(Number)}
 * and the like wrap the number in a tensor over a Java direct buffer and close that tensor at
 * once; autograd keeps it for the backward pass, by which time the garbage collector may have
 * freed the buffer under it, and the gradients silently come out wrong (more often the more the
 * JVM allocates between forward and backward). A tensor filled natively stays valid as long as
 * autograd holds it. Use these for every scalar operand of a differentiated computation.
 */
public final class Scalars {
  private Scalars() {}

  /** A 0-d float32 tensor holding {@code value}, on {@code like}'s manager and device. */
  public static NDArray of(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, DataType.FLOAT32);
  }
}
