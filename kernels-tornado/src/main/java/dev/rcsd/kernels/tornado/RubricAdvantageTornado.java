package dev.rcsd.kernels.tornado;

import static dev.rcsd.kernels.tornado.RowReductions.SCRATCH;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.RubricAdvantage;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** {@link RubricAdvantage} as a TornadoVM kernel. */
final class RubricAdvantageTornado extends TornadoKernel implements RubricAdvantage {
  private FloatArray z, u, mask, weights, fp, s, adv, grad;
  private IntArray tokens, ip;

  RubricAdvantageTornado(TornadoBackend backend) {
    super(backend, LossKernel.RUBRIC_ADVANTAGE);
  }

  /**
   * Row n = group id: log Z of the student and of each teacher row give s and t_k;
   * adv[n] = mask[n] sum_k w[k] clamp(t_k - s, -a, a); the gradient c (onehot(token) - p_S) with
   * c = -mask[n] adv[n] scale / T.
   *
   * @param ip {rows, V, K}
   * @param fp {1/T, a, scale = 1/M}
   */
  static void rubricAdvantageRows(KernelContext ctx, FloatArray z, FloatArray u, IntArray tokens, FloatArray mask,
      FloatArray weights, IntArray ip, FloatArray fp, FloatArray s, FloatArray adv, FloatArray rowLoss,
      FloatArray grad, int wg) {
    int n = ctx.groupIdx;
    int lid = ctx.localIdx;
    int rows = ip.get(0);
    int v = ip.get(1);
    int contexts = ip.get(2);
    float invT = fp.get(0);
    float clip = fp.get(1);
    float[] scratch = ctx.allocateFloatLocalArray(SCRATCH);
    int token = tokens.get(n);
    int base = n * v;
    RowReductions.rowStats(ctx, scratch, z, base, v, invT, wg);
    float sm = RowReductions.rowMax(scratch);
    float slz = RowReductions.rowLogZ(scratch);
    float logp = (z.get(base + token) - sm) * invT - slz;
    float advantage = 0f;
    for (int k = 0; k < contexts; k++) {
      int tb = (k * rows + n) * v;
      RowReductions.rowStats(ctx, scratch, u, tb, v, invT, wg);
      float t = (u.get(tb + token) - RowReductions.rowMax(scratch)) * invT - RowReductions.rowLogZ(scratch);
      advantage += weights.get(k) * TornadoMath.min(TornadoMath.max(t - logp, -clip), clip);
    }
    float weight = mask.get(n);
    advantage *= weight;
    float c = -weight * advantage * fp.get(2) * invT;
    for (int i = lid; i < v; i += wg) {
      float p = TornadoMath.exp((z.get(base + i) - sm) * invT - slz);
      grad.set(base + i, c * ((i == token ? 1f : 0f) - p));
    }
    if (lid == 0) {
      s.set(n, logp);
      adv.set(n, advantage);
      rowLoss.set(n, -weight * advantage * logp);
    }
  }

  @Override
  TaskGraph build(String graph, int rows, int vocab, int contexts) {
    long cells = (long) rows * vocab;
    z = floats(cells, "student_logits");
    u = floats(contexts * cells, "teacher_logits");
    tokens = ints(rows, "tokens");
    mask = floats(rows, "mask");
    weights = floats(contexts, "criterion_weights");
    ip = new IntArray(3);
    fp = new FloatArray(3);
    s = floats(rows, "student_logprobs");
    adv = floats(rows, "advantages");
    grad = floats(cells, "grad_pg");
    return new TaskGraph(graph)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, z, u, tokens, mask, weights, ip, fp)
        .task(TASK, RubricAdvantageTornado::rubricAdvantageRows, context, z, u, tokens, mask, weights, ip, fp, s, adv, rowLoss,
            grad, backend.workGroup)
        .transferToHost(DataTransferMode.EVERY_EXECUTION, s, adv, rowLoss, grad);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] advOut, float[] gradOut) {
    int rows = batch.rows();
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("advantages", advOut, rows);
    Outputs.require("grad_pg", gradOut, (long) rows * batch.vocab());
    if (rows == 0) {
      return 0;
    }
    double scale = Outputs.rowScale(batch, 1);
    int contexts = batch.teacherLogits().length;
    prepare(batch, contexts);
    copyIn(batch.studentLogits(), z);
    copyTeachers(batch, u);
    copyIn(batch.tokens(), tokens);
    copyIn(batch.mask(), mask);
    copyIn(batch.criterionWeights(), weights);
    set(ip, rows, batch.vocab(), contexts);
    set(fp, 1f / params.temperature(), params.advClip(), (float) scale);
    execute();
    copyOut(grad, gradOut, gradOut.length);
    copyOut(adv, advOut, rows);
    if (studentLogprobs != null) {
      copyOut(s, studentLogprobs, rows);
    }
    return rowLossSum(rows) * scale;
  }
}
