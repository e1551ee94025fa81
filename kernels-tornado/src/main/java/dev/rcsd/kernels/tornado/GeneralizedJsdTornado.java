package dev.rcsd.kernels.tornado;

import static dev.rcsd.kernels.tornado.RowReductions.LOG_FLOOR;
import static dev.rcsd.kernels.tornado.RowReductions.SCRATCH;

import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** {@link GeneralizedJsd} as a TornadoVM kernel. */
final class GeneralizedJsdTornado extends TornadoKernel implements GeneralizedJsd {
  private FloatArray z, u, mask, fp, jsd, grad;
  private IntArray ip;

  GeneralizedJsdTornado(TornadoBackend backend) {
    super(backend, LossKernel.JSD);
  }

  /**
   * Row n = group id:
   * <pre>
   *   stats  max and log Z of the student row and of each teacher row (RowReductions.rowStats)
   *   pass   per context: jsd, KL(p_S || m), grad (+)= c gamma p_S (log p_S - log m)
   *          (beta = 0: grad (+)= c (p_S - p_T))
   *   fix    grad -= p_S sum_k c gamma KL_k                           (beta > 0)
   * </pre>
   * with c = mask[n] scale / T; row_loss[n] = mask[n] sum_k jsd[k, n]. Every work-item touches the
   * same columns in every pass, so the passes need no barrier between them.
   *
   * @param ip {rows, V, K}
   * @param fp {1/T, beta, scale = 1/(K M)}
   */
  static void generalizedJsdRows(KernelContext ctx, FloatArray z, FloatArray u, FloatArray mask, IntArray ip, FloatArray fp,
      FloatArray jsd, FloatArray rowLoss, FloatArray grad, int wg) {
    int n = ctx.groupIdx;
    int lid = ctx.localIdx;
    int rows = ip.get(0);
    int v = ip.get(1);
    int contexts = ip.get(2);
    float invT = fp.get(0);
    float beta = fp.get(1);
    float[] scratch = ctx.allocateFloatLocalArray(SCRATCH);
    int base = n * v;
    RowReductions.rowStats(ctx, scratch, z, base, v, invT, wg);
    float sm = RowReductions.rowMax(scratch);
    float slz = RowReductions.rowLogZ(scratch);
    float weight = mask.get(n);
    float c = weight * fp.get(2) * invT;
    float gamma = beta == 1f ? 1f : 1f - beta;
    float correction = 0f;
    float loss = 0f;
    for (int k = 0; k < contexts; k++) {
      int tb = (k * rows + n) * v;
      RowReductions.rowStats(ctx, scratch, u, tb, v, invT, wg);
      float tm = RowReductions.rowMax(scratch);
      float tlz = RowReductions.rowLogZ(scratch);
      float j = 0f;
      float kl = 0f;
      for (int i = lid; i < v; i += wg) {
        float a = TornadoMath.max((z.get(base + i) - sm) * invT - slz, LOG_FLOOR);
        float b = TornadoMath.max((u.get(tb + i) - tm) * invT - tlz, LOG_FLOOR);
        float ps = TornadoMath.exp(a);
        float pt = TornadoMath.exp(b);
        float d;
        if (beta == 0f) {
          j += pt * (b - a);
          d = c * (ps - pt);
        } else if (beta == 1f) {
          float st = ps * (a - b);
          j += st;
          kl += st;
          d = c * st;
        } else {
          float lm = TornadoMath.max(TornadoMath.log((1f - beta) * ps + beta * pt), LOG_FLOOR);
          float st = ps * (a - lm);
          j += beta * pt * (b - lm) + (1f - beta) * st;
          kl += st;
          d = c * gamma * st;
        }
        if (k == 0) {
          grad.set(base + i, d);
        } else {
          grad.set(base + i, grad.get(base + i) + d);
        }
      }
      j = RowReductions.groupSum(ctx, scratch, j, wg);
      kl = RowReductions.groupSum(ctx, scratch, kl, wg);
      if (lid == 0) {
        jsd.set(k * rows + n, j);
      }
      loss += weight * j;
      correction += c * gamma * kl;
    }
    if (beta != 0f && c != 0f) {
      for (int i = lid; i < v; i += wg) {
        grad.set(base + i, grad.get(base + i) - TornadoMath.exp((z.get(base + i) - sm) * invT - slz) * correction);
      }
    }
    if (lid == 0) {
      rowLoss.set(n, loss);
    }
  }

  @Override
  TaskGraph build(String graph, int rows, int vocab, int contexts) {
    long cells = (long) rows * vocab;
    z = floats(cells, "student_logits");
    u = floats(contexts * cells, "teacher_logits");
    mask = floats(rows, "mask");
    ip = new IntArray(3);
    fp = new FloatArray(3);
    jsd = floats((long) contexts * rows, "jsd");
    grad = floats(cells, "grad_jsd");
    return new TaskGraph(graph)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, z, u, mask, ip, fp)
        .task(TASK, GeneralizedJsdTornado::generalizedJsdRows, context, z, u, mask, ip, fp, jsd, rowLoss, grad,
            backend.workGroup)
        .transferToHost(DataTransferMode.EVERY_EXECUTION, jsd, rowLoss, grad);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] jsdOut, float[] gradOut) {
    int rows = batch.rows();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("jsd", jsdOut, (long) contexts * rows);
    Outputs.require("grad_jsd", gradOut, (long) rows * batch.vocab());
    if (rows == 0) {
      return 0;
    }
    double scale = Outputs.rowScale(batch, contexts);
    prepare(batch, contexts);
    copyIn(batch.studentLogits(), z);
    copyTeachers(batch, u);
    copyIn(batch.mask(), mask);
    set(ip, rows, batch.vocab(), contexts);
    set(fp, 1f / params.temperature(), params.jsdBeta(), (float) scale);
    execute();
    copyOut(grad, gradOut, gradOut.length);
    copyOut(jsd, jsdOut, jsdOut.length);
    double loss = rowLossSum(rows) * scale;
    if (studentLogprobs != null) {
      backend.tokenLogProbs().compute(batch, params.temperature(), studentLogprobs, null, null);
    }
    return loss;
  }
}
