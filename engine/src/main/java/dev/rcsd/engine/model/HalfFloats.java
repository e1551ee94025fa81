package dev.rcsd.engine.model;

/**
 * Float16 and bfloat16 to float32, done in Java: DJL aborts the JVM on BF16 tensors, and JDK 17
 * has no {@code Float.float16ToFloat}.
 */
final class HalfFloats {
  private HalfFloats() {}

  /** bfloat16 is the top half of a float32. */
  static float bf16(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** IEEE 754 binary16 to binary32, exactly (every half is a float). */
  static float f16(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) { // inf, NaN (payload kept)
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal half: normalise into a float
      int e = -1;
      do {
        mantissa <<= 1;
        e++;
      } while ((mantissa & 0x400) == 0);
      return Float.intBitsToFloat(sign | ((127 - 15 - e) << 23) | ((mantissa & 0x3ff) << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }
}
