package dev.rcsd.kernels.tornado;

import static dev.rcsd.kernels.tornado.RowReductions.MAX_WORKGROUP;
import static dev.rcsd.kernels.tornado.RowReductions.NEG_INF;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.RestrictedKl;
import dev.rcsd.kernels.TopKDistillation;
import java.util.Arrays;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@link TopKDistillation} for k &lt;= {@link #MAX_K}: the teacher's top-k of every row and context
 * is selected by a TornadoVM kernel (the O(V) part), and the k-entry softmaxes, clipped terms and
 * gradient entries are finished on the host in double ({@link RestrictedKl}), where they cost
 * O(k) per row. Only the N x K x k selection comes back from the device, not an N x V gradient.
 * A larger k runs on the host's SIMD backend, as with opencl.
 */
final class TopKDistillationTornado extends TornadoKernel implements TopKDistillation {
  /** The largest k the device kernel selects. */
  static final int MAX_K = 64;

  private FloatArray u, selectedValues;
  private IntArray ip, selectedIds;
  private int capacityK;

  TopKDistillationTornado(TornadoBackend backend) {
    super(backend, LossKernel.TOPK);
  }

  /**
   * Row n = group id; per teacher context every work-item keeps the top-k of its strided columns
   * in a private list sorted by (value desc, id asc), then k rounds of a work-group arg-max over
   * the list heads merge them into values/ids [K, rows, k] in that order.
   *
   * @param ip {rows, V, K, k}
   */
  static void topKRows(KernelContext ctx, FloatArray u, IntArray ip, FloatArray values, IntArray ids, int wg) {
    int n = ctx.groupIdx;
    int lid = ctx.localIdx;
    int rows = ip.get(0);
    int v = ip.get(1);
    int contexts = ip.get(2);
    int kk = ip.get(3);
    float[] candV = ctx.allocateFloatLocalArray(MAX_WORKGROUP);
    int[] candI = ctx.allocateIntLocalArray(MAX_WORKGROUP);
    float[] pv = new float[MAX_K];
    int[] pi = new int[MAX_K];
    for (int k = 0; k < contexts; k++) {
      int tb = (k * rows + n) * v;
      int cnt = 0;
      // the list's last value once it is full, kept in a register for the scan's one comparison
      float threshold = NEG_INF;
      for (int i = lid; i < v; i += wg) {
        float x = u.get(tb + i);
        if (cnt < kk || x > threshold) {
          // insertion into the sorted list: the entries below x move down by one
          int at = cnt < kk ? cnt : kk - 1;
          for (int j = at; j > 0; j--) {
            if (x > pv[j - 1]) {
              pv[j] = pv[j - 1];
              pi[j] = pi[j - 1];
              at = j - 1;
            }
          }
          pv[at] = x;
          pi[at] = i;
          if (cnt < kk) {
            cnt++;
          }
          if (cnt == kk) {
            threshold = pv[kk - 1];
          }
        }
      }
      int head = 0;
      int out = (k * rows + n) * kk;
      for (int r = 0; r < kk; r++) {
        candV[lid] = head < cnt ? pv[head] : NEG_INF;
        candI[lid] = head < cnt ? pi[head] : Integer.MAX_VALUE;
        ctx.localBarrier();
        for (int s = wg / 2; s > 0; s >>= 1) {
          if (lid < s) {
            float vb = candV[lid + s];
            int ib = candI[lid + s];
            if (vb > candV[lid] || (vb == candV[lid] && ib < candI[lid])) {
              candV[lid] = vb;
              candI[lid] = ib;
            }
          }
          ctx.localBarrier();
        }
        int winner = candI[0];
        if (lid == 0) {
          values.set(out + r, candV[0]);
          ids.set(out + r, winner);
        }
        if (head < cnt && pi[head] == winner) {
          head++;
        }
        ctx.localBarrier();
      }
    }
  }

  @Override
  TaskGraph build(String graph, int rows, int vocab, int contexts) {
    u = floats(contexts * (long) rows * vocab, "teacher_logits");
    ip = new IntArray(4);
    selectedValues = floats((long) contexts * rows * capacityK, "top-k values");
    selectedIds = ints((long) contexts * rows * capacityK, "top-k ids");
    return new TaskGraph(graph)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, u, ip)
        .task(TASK, TopKDistillationTornado::topKRows, context, u, ip, selectedValues, selectedIds, backend.workGroup)
        .transferToHost(DataTransferMode.EVERY_EXECUTION, selectedValues, selectedIds);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] topkOut, float[] gradOut) {
    int size = Math.min(params.topK(), batch.vocab());
    if (size > MAX_K) {
      return backend.hostTopK().compute(batch, params, studentLogprobs, topkOut, gradOut);
    }
    int rows = batch.rows();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("topk_kl", topkOut, (long) contexts * rows);
    Outputs.require("grad_topk", gradOut, (long) rows * batch.vocab());
    if (rows == 0) {
      return 0;
    }
    if (size != capacityK) {
      close();
      capacityK = size;
    }
    prepare(batch, contexts);
    copyTeachers(batch, u);
    set(ip, rows, batch.vocab(), contexts, size);
    execute();
    double loss = finish(batch, params, size, topkOut, gradOut);
    if (studentLogprobs != null) {
      backend.tokenLogProbs().compute(batch, params.temperature(), studentLogprobs, null, null);
    }
    return loss;
  }

  /** The k-entry terms of every row and context from the device's selection; returns loss_topk. */
  private double finish(LossBatch batch, LossParams params, int size, float[] topkOut, float[] gradOut) {
    int rows = batch.rows();
    int contexts = batch.contexts();
    double scale = Outputs.rowScale(batch, contexts);
    double t = params.temperature();
    float[] values = new float[size];
    int[] ids = new int[size];
    double[] qs = new double[size];
    double[] qa = new double[size];
    Arrays.fill(gradOut, 0f);
    double total = 0;
    for (int n = 0; n < rows; n++) {
      double mask = batch.mask()[n];
      double c = mask * scale / t;
      int base = n * batch.vocab();
      for (int k = 0; k < contexts; k++) {
        int at = (k * rows + n) * size;
        for (int r = 0; r < size; r++) {
          values[r] = selectedValues.get(at + r);
          ids[r] = selectedIds.get(at + r);
        }
        double kl = RestrictedKl.addTerms(values, ids, size, batch.studentLogits(), base, t, params.klClip(), c, qs,
            qa, gradOut);
        topkOut[k * rows + n] = (float) kl;
        total += mask * kl;
      }
    }
    return total * scale;
  }
}
