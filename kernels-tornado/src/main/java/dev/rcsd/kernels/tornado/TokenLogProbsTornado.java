package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TokenLogProbs;
import java.util.List;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** {@link TokenLogProbs} through tornado_token_logprobs (ip = {rows, V, K, entropy}, fp = {1/T}). */
final class TokenLogProbsTornado extends TornadoKernel implements TokenLogProbs {
  private FloatArray z, u, fp, s, h, t;
  private IntArray tokens, ip;

  TokenLogProbsTornado(TornadoBackend backend) {
    super(backend);
  }

  @Override
  TornadoLaunch build(LossBatch b) {
    long cells = (long) b.rows() * b.vocab();
    z = floats(cells, "student_logits");
    u = floats(b.contexts() * cells, "teacher_logits");
    tokens = new IntArray(b.rows());
    ip = new IntArray(4);
    fp = new FloatArray(1);
    s = floats(b.rows(), "student_logprobs");
    h = floats(b.rows(), "student_entropy");
    t = floats((long) b.contexts() * b.rows(), "teacher_logprobs");
    return launch("logprobs", "tornado_token_logprobs", b, List.of(in(z), in(u), in(tokens), in(ip), in(fp), out(s),
        out(h), out(t)), false);
  }

  @Override
  public void compute(LossBatch batch, float temperature, float[] studentLogprobs, float[] studentEntropy,
      float[] teacherLogprobs) {
    int rows = batch.rows();
    Outputs.require("student_logprobs", studentLogprobs, rows);
    Outputs.optional("student_entropy", studentEntropy, rows);
    Outputs.optional("teacher_logprobs", teacherLogprobs, (long) batch.contexts() * rows);
    prepare(batch, "");
    int contexts = teacherLogprobs == null ? 0 : batch.contexts();
    copyIn(batch.studentLogits(), z);
    if (contexts > 0) {
      copyTeachers(batch, u);
    }
    for (int i = 0; i < rows; i++) {
      tokens.set(i, batch.tokens()[i]);
    }
    set(ip, rows, batch.vocab(), contexts, studentEntropy == null ? 0 : 1);
    set(fp, 1f / temperature);
    launch.execute();
    TornadoLaunch.copyOut(s, 0, studentLogprobs, 0, rows);
    if (studentEntropy != null) {
      TornadoLaunch.copyOut(h, 0, studentEntropy, 0, rows);
    }
    if (contexts > 0) {
      TornadoLaunch.copyOut(t, 0, teacherLogprobs, 0, contexts * rows);
    }
  }
}
