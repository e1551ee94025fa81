package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.RubricAdvantage;
import java.util.List;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** {@link RubricAdvantage} through tornado_rubric_advantage (ip = {rows, V, K}, fp = {1/T, a, 1/M}). */
final class RubricAdvantageTornado extends TornadoKernel implements RubricAdvantage {
  private FloatArray z, u, mask, weights, fp, s, adv, grad;
  private IntArray tokens, ip;

  RubricAdvantageTornado(TornadoBackend backend) {
    super(backend);
  }

  @Override
  TornadoLaunch build(LossBatch b) {
    long cells = (long) b.rows() * b.vocab();
    z = floats(cells, "student_logits");
    u = floats(b.contexts() * cells, "teacher_logits");
    tokens = new IntArray(b.rows());
    mask = floats(b.rows(), "mask");
    weights = floats(b.contexts(), "criterion_weights");
    ip = ints(b.rows(), b.vocab(), b.contexts());
    fp = new FloatArray(3);
    s = floats(b.rows(), "student_logprobs");
    adv = floats(b.rows(), "advantages");
    grad = floats(cells, "grad_pg");
    return launch("pg", "tornado_rubric_advantage", b, List.of(in(z), in(u), in(tokens), in(mask), in(weights),
        in(ip), in(fp), out(s), out(adv), out(rowLoss), out(grad)), true);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] advOut, float[] gradOut) {
    Outputs.optional("student_logprobs", studentLogprobs, batch.rows());
    Outputs.require("advantages", advOut, batch.rows());
    Outputs.require("grad_pg", gradOut, (long) batch.rows() * batch.vocab());
    prepare(batch, "");
    double scale = Outputs.rowScale(batch, 1);
    copyIn(batch.studentLogits(), z);
    copyTeachers(batch, u);
    for (int i = 0; i < batch.rows(); i++) {
      tokens.set(i, batch.tokens()[i]);
    }
    copyIn(batch.mask(), mask);
    copyIn(batch.criterionWeights(), weights);
    set(fp, 1f / params.temperature(), params.advClip(), (float) scale);
    launch.execute();
    TornadoLaunch.copyOut(grad, 0, gradOut, 0, gradOut.length);
    TornadoLaunch.copyOut(adv, 0, advOut, 0, advOut.length);
    if (studentLogprobs != null) {
      TornadoLaunch.copyOut(s, 0, studentLogprobs, 0, batch.rows());
    }
    return total.get(0) * scale;
  }
}
