package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TopKDistillation;
import dev.rcsd.kernels.opencl.TopKDistillationOpenCl;
import java.util.List;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@link TopKDistillation} through tornado_topk_distillation (ip = {rows, V, K, k}, fp = {1/T, c,
 * 1/(K M)}) for k &lt;= 64; a larger k runs on the host's SIMD backend, as with opencl.
 */
final class TopKDistillationTornado extends TornadoKernel implements TopKDistillation {
  private FloatArray z, u, mask, fp, topk, grad;
  private IntArray ip;

  TopKDistillationTornado(TornadoBackend backend) {
    super(backend);
  }

  @Override
  TornadoLaunch build(LossBatch b) {
    long cells = (long) b.rows() * b.vocab();
    z = floats(cells, "student_logits");
    u = floats(b.contexts() * cells, "teacher_logits");
    mask = floats(b.rows(), "mask");
    ip = new IntArray(4);
    fp = new FloatArray(3);
    topk = floats((long) b.contexts() * b.rows(), "topk_kl");
    grad = floats(cells, "grad_topk");
    return launch("topk", "tornado_topk_distillation", b, List.of(in(z), in(u), in(mask), in(ip), in(fp), out(topk),
        out(rowLoss), out(grad)), true);
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] topkOut, float[] gradOut) {
    int size = Math.min(params.topK(), batch.vocab());
    if (size > TopKDistillationOpenCl.MAX_K) {
      return backend.hostTopK().compute(batch, params, studentLogprobs, topkOut, gradOut);
    }
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, batch.rows());
    Outputs.require("topk_kl", topkOut, (long) contexts * batch.rows());
    Outputs.require("grad_topk", gradOut, (long) batch.rows() * batch.vocab());
    prepare(batch, "");
    double scale = Outputs.rowScale(batch, contexts);
    copyIn(batch.studentLogits(), z);
    copyTeachers(batch, u);
    copyIn(batch.mask(), mask);
    set(ip, batch.rows(), batch.vocab(), contexts, size);
    set(fp, 1f / params.temperature(), params.klClip(), (float) scale);
    launch.execute();
    TornadoLaunch.copyOut(grad, 0, gradOut, 0, gradOut.length);
    TornadoLaunch.copyOut(topk, 0, topkOut, 0, topkOut.length);
    if (studentLogprobs != null) {
      backend.tokenLogProbs().compute(batch, params.temperature(), studentLogprobs, null, null);
    }
    return total.get(0) * scale;
  }
}
