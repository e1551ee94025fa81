package dev.rcsd.io.checkpoint;

import dev.rcsd.io.proto.DType;
import dev.rcsd.io.proto.TensorRole;
import java.util.Arrays;

/**
 * A tensor's description: name, dtype, shape (row-major, little-endian data) and role.
 *
 * @param byteLength product(shape) * size of dtype
 */
public record TensorInfo(String name, DType dtype, long[] shape, TensorRole role, long byteLength) {
  /** Describes a tensor; throws {@link ArithmeticException} when its size overflows a long. */
  public static TensorInfo of(String name, DType dtype, long[] shape, TensorRole role) {
    long elements = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
      }
      elements = Math.multiplyExact(elements, d);
    }
    return new TensorInfo(name, dtype, shape.clone(), role, Math.multiplyExact(elements, itemSize(dtype)));
  }

  public static TensorInfo parameter(String name, DType dtype, long... shape) {
    return of(name, dtype, shape, TensorRole.PARAMETER);
  }

  /** Bytes per element, or 0 for a dtype this build does not know. */
  public static int itemSize(DType dtype) {
    return switch (dtype) {
      case F32, I32 -> 4;
      case F16, BF16 -> 2;
      case I64 -> 8;
      default -> 0;
    };
  }

  public long elements() {
    return byteLength / itemSize(dtype);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && role == t.role && byteLength == t.byteLength;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + (role == TensorRole.PARAMETER ? "" : " " + role);
  }
}
