package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.RestrictedKl;
import dev.rcsd.kernels.TopKDistillation;
import java.util.Arrays;

/**
 * {@link TopKDistillation}, fused per row: one vector scan of each teacher row selects S (see
 * {@link TopKHeap}); the student is read only at the ids of S; the k-entry softmaxes, clipped
 * terms and gradient entries are scalar in double ({@link RestrictedKl}). The gradient row is zero-filled once and the k
 * entries of each context added. The full-vocabulary student pass runs only when its log-probs are
 * asked for.
 */
public final class TopKDistillationSimd extends RowKernel implements TopKDistillation {
  // the running call's arguments (compute is synchronized: one call at a time per backend)
  private LossBatch batch;
  private LossParams params;
  private float[] studentLogprobs;
  private float[] topkKl;
  private float[] grad;

  TopKDistillationSimd(RowParallel parallel) {
    super(parallel);
  }

  @Override
  public synchronized double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] topkKl,
      float[] grad) {
    int rows = batch.rows();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("topk_kl", topkKl, (long) contexts * rows);
    Outputs.require("grad_topk", grad, (long) rows * batch.vocab());
    this.batch = batch;
    this.params = params;
    this.studentLogprobs = studentLogprobs;
    this.topkKl = topkKl;
    this.grad = grad;
    return runRows(rows, Outputs.rowScale(batch, contexts));
  }

  @Override
  protected void clearCall() {
    batch = null;
    studentLogprobs = topkKl = grad = null;
  }

  @Override
  protected void rows(int from, int to) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    float[][] teachers = batch.teacherLogits(); // [K][N, V]
    float[] z = batch.studentLogits(); // [N, V]
    float invT = 1f / params.temperature();
    double t = params.temperature();
    double clip = params.klClip();
    int size = Math.min(params.topK(), vocab);
    Scratch scratch = Scratch.ofThread();
    TopKHeap heap = scratch.heap(size);
    double[] qs = scratch.restrictedStudent(size); // [k] student's restricted softmax
    double[] qa = scratch.restrictedTeacher(size); // [k] teacher's, 0 where the entry is clipped
    RowStats st = scratch.student;
    for (int n = from; n < to; n++) {
      int base = n * vocab;
      if (studentLogprobs != null) {
        SimdRows.stats(z, base, vocab, invT, false, st);
        studentLogprobs[n] = st.logProb(z[base + batch.tokens()[n]], invT);
      }
      Arrays.fill(grad, base, base + vocab, 0f);
      double mask = batch.mask()[n];
      double c = mask * scale / t;
      double loss = 0;
      for (int k = 0; k < teachers.length; k++) {
        heap.select(teachers[k], base, vocab);
        double kl = RestrictedKl.addTerms(heap.values, heap.ids, heap.size, z, base, t, clip, c, qs, qa, grad);
        topkKl[k * rows + n] = (float) kl;
        loss += mask * kl;
      }
      rowLoss[n] = loss;
    }
  }
}
