package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import java.util.List;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** {@link GeneralizedJsd} through tornado_generalized_jsd (ip = {rows, V, K}, fp = {1/T, beta, 1/(K M)}). */
final class GeneralizedJsdTornado extends TornadoKernel implements GeneralizedJsd {
  private FloatArray z, u, mask, fp, jsd, grad;
  private IntArray ip;

  GeneralizedJsdTornado(TornadoBackend backend) {
    super(backend);
  }

  @Override
  TornadoLaunch build(LossBatch b) {
    long cells = (long) b.rows() * b.vocab();
    z = floats(cells, "student_logits");
    u = floats(b.contexts() * cells, "teacher_logits");
    mask = floats(b.rows(), "mask");
    ip = ints(b.rows(), b.vocab(), b.contexts());
    fp = new FloatArray(3);
    jsd = floats((long) b.contexts() * b.rows(), "jsd");
    grad = floats(cells, "grad_jsd");
    return launch("jsd", "tornado_generalized_jsd", b, List.of(in(z), in(u), in(mask), in(ip), in(fp), out(jsd),
        out(rowLoss), out(grad)), true);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] jsdOut, float[] gradOut) {
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, batch.rows());
    Outputs.require("jsd", jsdOut, (long) contexts * batch.rows());
    Outputs.require("grad_jsd", gradOut, (long) batch.rows() * batch.vocab());
    prepare(batch, "");
    double scale = Outputs.rowScale(batch, contexts);
    copyIn(batch.studentLogits(), z);
    copyTeachers(batch, u);
    copyIn(batch.mask(), mask);
    set(fp, 1f / params.temperature(), params.jsdBeta(), (float) scale);
    launch.execute();
    TornadoLaunch.copyOut(grad, 0, gradOut, 0, gradOut.length);
    TornadoLaunch.copyOut(jsd, 0, jsdOut, 0, jsdOut.length);
    if (studentLogprobs != null) {
      backend.tokenLogProbs().compute(batch, params.temperature(), studentLogprobs, null, null);
    }
    return total.get(0) * scale;
  }
}
