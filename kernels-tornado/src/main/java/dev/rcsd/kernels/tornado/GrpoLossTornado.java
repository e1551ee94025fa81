package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import java.util.List;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** {@link GrpoLoss} through tornado_grpo_loss (ip = {V}, fp = {1/T, eps_low, eps_high, kl_coef, 1/M}). */
final class GrpoLossTornado extends TornadoKernel implements GrpoLoss {
  private FloatArray z, mask, old, ref, adv, fp, s, grad;
  private IntArray tokens, ip;

  GrpoLossTornado(TornadoBackend backend) {
    super(backend);
  }

  @Override
  TornadoLaunch build(LossBatch b) {
    long cells = (long) b.rows() * b.vocab();
    z = floats(cells, "student_logits");
    grad = floats(cells, "grad_grpo");
    tokens = new IntArray(b.rows());
    mask = floats(b.rows(), "mask");
    old = floats(b.rows(), "old_logprobs");
    ref = floats(b.rows(), "ref_logprobs");
    adv = floats(b.rows(), "seq_advantages");
    ip = ints(b.vocab());
    fp = new FloatArray(5);
    s = floats(b.rows(), "student_logprobs");
    return launch("grpo", "tornado_grpo_loss", b, List.of(in(z), in(tokens), in(mask), in(old), in(ref), in(adv),
        in(ip), in(fp), out(s), out(rowLoss), out(grad)), true);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] gradOut) {
    Outputs.optional("student_logprobs", studentLogprobs, batch.rows());
    Outputs.require("grad_grpo", gradOut, (long) batch.rows() * batch.vocab());
    prepare(batch, "");
    double scale = Outputs.rowScale(batch, 1);
    copyIn(batch.studentLogits(), z);
    for (int i = 0; i < batch.rows(); i++) {
      tokens.set(i, batch.tokens()[i]);
    }
    copyIn(batch.mask(), mask);
    copyIn(batch.oldLogprobs(), old);
    copyIn(batch.refLogprobs(), ref);
    copyIn(batch.seqAdvantages(), adv);
    set(fp, 1f / params.temperature(), params.epsLow(), params.epsHigh(), params.klCoef(), (float) scale);
    launch.execute();
    TornadoLaunch.copyOut(grad, 0, gradOut, 0, gradOut.length);
    if (studentLogprobs != null) {
      TornadoLaunch.copyOut(s, 0, studentLogprobs, 0, batch.rows());
    }
    return total.get(0) * scale;
  }
}
