package dev.rcsd.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Selects the k largest values of a row: a min-heap of (value, id) whose root is the k-th largest
 * so far. The row is scanned with vector compares against the root; only lanes above it reach the
 * scalar heap, which after the first few thousand ids is almost none. Ids are scanned in increasing
 * order and a value equal to the root does not enter, so ties go to the lower id.
 */
final class TopKHeap {
  final float[] values; // [k]
  final int[] ids; // [k], ids within the row
  int size;

  TopKHeap(int capacity) {
    values = new float[capacity];
    ids = new int[capacity];
  }

  int capacity() {
    return values.length;
  }

  /** Selects the min(k, len) largest of u[from, from + len). */
  void select(float[] u, int from, int len) {
    int k = values.length;
    if (k >= len) {
      for (int v = 0; v < len; v++) {
        values[v] = u[from + v];
        ids[v] = v;
      }
      size = len;
      return;
    }
    for (int v = 0; v < k; v++) {
      values[v] = u[from + v];
      ids[v] = v;
    }
    size = k;
    for (int i = k / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
    int v = k;
    int upper = k + SimdRows.F.loopBound(len - k);
    for (; v < upper; v += SimdRows.L) {
      FloatVector x = FloatVector.fromArray(SimdRows.F, u, from + v);
      if (x.compare(VectorOperators.GT, values[0]).anyTrue()) {
        // lane by lane: the mask never leaves the compare (VectorMask.toLong is not an intrinsic on JDK 17)
        for (int lane = 0; lane < SimdRows.L; lane++) {
          offer(u[from + v + lane], v + lane);
        }
      }
    }
    for (; v < len; v++) {
      offer(u[from + v], v);
    }
  }

  private void offer(float value, int id) {
    if (value > values[0]) {
      values[0] = value;
      ids[0] = id;
      siftDown(0);
    }
  }

  /** Heap order: smaller value first; equal values, larger id first (it leaves first). */
  private boolean below(int i, int j) {
    return values[i] < values[j] || (values[i] == values[j] && ids[i] > ids[j]);
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int child = l + 1 < size && below(l + 1, l) ? l + 1 : l;
      if (!below(child, i)) {
        return;
      }
      float tv = values[i];
      values[i] = values[child];
      values[child] = tv;
      int ti = ids[i];
      ids[i] = ids[child];
      ids[child] = ti;
      i = child;
    }
  }
}
