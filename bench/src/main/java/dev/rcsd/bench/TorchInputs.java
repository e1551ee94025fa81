package dev.rcsd.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.kernels.LossBatch;

/** A batch as PyTorch tensors (through DJL), for the unfused baseline of each kernel benchmark. */
final class TorchInputs {
  final NDArray student; // [N, V], requires grad
  final NDArray teachers; // [K, N, V]
  final NDArray tokens; // [N, 1] int64
  final NDArray teacherTokens; // [K, N, 1] int64
  final NDArray mask; // [N]
  final NDArray weights; // [K, 1]
  final NDArray old; // [N]
  final NDArray ref; // [N]
  final NDArray advantages; // [N]
  final float maskSum;
  final int contexts;

  TorchInputs(NDManager m, LossBatch b) {
    int n = b.rows();
    int v = b.vocab();
    contexts = b.contexts();
    student = m.create(b.studentLogits(), new Shape(n, v));
    student.setRequiresGradient(true);
    float[] all = new float[contexts * n * v];
    for (int k = 0; k < contexts; k++) {
      System.arraycopy(b.teacherLogits()[k], 0, all, k * n * v, n * v);
    }
    teachers = m.create(all, new Shape(contexts, n, v));
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = b.tokens()[i];
    }
    tokens = m.create(ids, new Shape(n, 1));
    long[] teacherIds = new long[contexts * n];
    for (int k = 0; k < contexts; k++) {
      System.arraycopy(ids, 0, teacherIds, k * n, n);
    }
    teacherTokens = m.create(teacherIds, new Shape(contexts, n, 1));
    mask = m.create(b.mask());
    weights = m.create(b.criterionWeights(), new Shape(contexts, 1));
    old = m.create(b.oldLogprobs());
    ref = m.create(b.refLogprobs());
    advantages = m.create(b.seqAdvantages());
    maskSum = (float) b.maskSum();
  }

  NDArray[] all() {
    return new NDArray[] {student, teachers, tokens, teacherTokens, mask, weights, old, ref, advantages};
  }
}
