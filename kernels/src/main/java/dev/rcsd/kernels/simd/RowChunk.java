package dev.rcsd.kernels.simd;

/**
 * One chunk of a row as the JSD passes read it: logits at {@code from} (student z, teacher u),
 * stored exponentials at {@code at} (es, et) with the chunk's factors sS, sT to probabilities, and
 * the gradient's scale cg, written for the first context and added for the others. Mutable and
 * reused (one per thread, in {@link Scratch}) so that no chunk allocates.
 */
final class RowChunk {
  float[] z;
  float[] u;
  int from;
  float[] es;
  float[] et;
  int at;
  int len;
  RowStats st;
  RowStats tt;
  float invT;
  float sS;
  float sT;
  float cg;
  boolean first;
  boolean writeGrad;

  void of(float[] z, float[] u, int from, float[] es, float[] et, int at, int len, RowStats st, RowStats tt,
      float invT, float sS, float sT, float cg, boolean first, boolean writeGrad) {
    this.z = z;
    this.u = u;
    this.from = from;
    this.es = es;
    this.et = et;
    this.at = at;
    this.len = len;
    this.st = st;
    this.tt = tt;
    this.invT = invT;
    this.sS = sS;
    this.sT = sT;
    this.cg = cg;
    this.first = first;
    this.writeGrad = writeGrad;
  }
}
