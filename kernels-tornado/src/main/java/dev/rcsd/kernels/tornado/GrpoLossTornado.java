package dev.rcsd.kernels.tornado;

import static dev.rcsd.kernels.tornado.RowReductions.SCRATCH;

import dev.rcsd.kernels.GrpoLoss;
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

/** {@link GrpoLoss} as a TornadoVM kernel. */
final class GrpoLossTornado extends TornadoKernel implements GrpoLoss {
  private FloatArray z, mask, old, ref, adv, fp, s, grad;
  private IntArray tokens, ip;

  GrpoLossTornado(TornadoBackend backend) {
    super(backend, LossKernel.GRPO);
  }

  /**
   * Row n = group id: log Z of the student row gives s; the token's loss and dl/ds as
   * {@link GrpoLoss} documents; the gradient (mask[n] scale / T) dl/ds (onehot(token) - p_S).
   *
   * @param ip {V}
   * @param fp {1/T, eps_low, eps_high, kl_coef, scale = 1/M}
   */
  static void grpoLossRows(KernelContext ctx, FloatArray z, IntArray tokens, FloatArray mask, FloatArray old,
      FloatArray ref, FloatArray adv, IntArray ip, FloatArray fp, FloatArray s, FloatArray rowLoss, FloatArray grad,
      int wg) {
    int n = ctx.groupIdx;
    int lid = ctx.localIdx;
    int v = ip.get(0);
    float invT = fp.get(0);
    float klCoef = fp.get(3);
    float[] scratch = ctx.allocateFloatLocalArray(SCRATCH);
    int token = tokens.get(n);
    int base = n * v;
    RowReductions.rowStats(ctx, scratch, z, base, v, invT, wg);
    float sm = RowReductions.rowMax(scratch);
    float slz = RowReductions.rowLogZ(scratch);
    float logp = (z.get(base + token) - sm) * invT - slz;
    float rho = TornadoMath.exp(logp - old.get(n));
    float a = adv.get(n);
    float unclipped = rho * a;
    float clipped = TornadoMath.min(TornadoMath.max(rho, 1f - fp.get(1)), 1f + fp.get(2)) * a;
    float logRatio = ref.get(n) - logp;
    float expRatio = TornadoMath.exp(logRatio);
    float loss = -TornadoMath.min(unclipped, clipped) + klCoef * (expRatio - logRatio - 1f);
    float dlds = (unclipped <= clipped ? -unclipped : 0f) + klCoef * (1f - expRatio);
    float c = mask.get(n) * dlds * fp.get(4) * invT;
    for (int i = lid; i < v; i += wg) {
      float p = TornadoMath.exp((z.get(base + i) - sm) * invT - slz);
      grad.set(base + i, c * ((i == token ? 1f : 0f) - p));
    }
    if (lid == 0) {
      s.set(n, logp);
      rowLoss.set(n, mask.get(n) * loss);
    }
  }

  @Override
  TaskGraph build(String graph, int rows, int vocab, int contexts) {
    long cells = (long) rows * vocab;
    z = floats(cells, "student_logits");
    grad = floats(cells, "grad_grpo");
    tokens = ints(rows, "tokens");
    mask = floats(rows, "mask");
    old = floats(rows, "old_logprobs");
    ref = floats(rows, "ref_logprobs");
    adv = floats(rows, "seq_advantages");
    ip = new IntArray(1);
    fp = new FloatArray(5);
    s = floats(rows, "student_logprobs");
    return new TaskGraph(graph)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, z, tokens, mask, old, ref, adv, ip, fp)
        .task(TASK, GrpoLossTornado::grpoLossRows, context, z, tokens, mask, old, ref, adv, ip, fp, s, rowLoss, grad,
            backend.workGroup)
        .transferToHost(DataTransferMode.EVERY_EXECUTION, s, rowLoss, grad);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] gradOut) {
    int rows = batch.rows();
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("grad_grpo", gradOut, (long) rows * batch.vocab());
    if (rows == 0) {
      return 0;
    }
    double scale = Outputs.rowScale(batch, 1);
    prepare(batch, 1);
    copyIn(batch.studentLogits(), z);
    copyIn(batch.tokens(), tokens);
    copyIn(batch.mask(), mask);
    copyIn(batch.oldLogprobs(), old);
    copyIn(batch.refLogprobs(), ref);
    copyIn(batch.seqAdvantages(), adv);
    set(ip, batch.vocab());
    set(fp, 1f / params.temperature(), params.epsLow(), params.epsHigh(), params.klCoef(), (float) scale);
    execute();
    copyOut(grad, gradOut, gradOut.length);
    if (studentLogprobs != null) {
      copyOut(s, studentLogprobs, rows);
    }
    return rowLossSum(rows) * scale;
  }
}
