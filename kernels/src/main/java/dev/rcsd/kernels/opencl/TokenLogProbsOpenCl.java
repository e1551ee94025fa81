package dev.rcsd.kernels.opencl;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TokenLogProbs;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/** {@link TokenLogProbs} on an OpenCL device: token_logprobs.cl, one work-group per row. */
public final class TokenLogProbsOpenCl implements TokenLogProbs {
  private final OpenClSession cl;

  TokenLogProbsOpenCl(OpenClSession cl) {
    this.cl = cl;
  }

  @Override
  public void compute(LossBatch batch, float temperature, float[] studentLogprobs, float[] studentEntropy,
      float[] teacherLogprobs) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = teacherLogprobs == null ? 0 : batch.contexts();
    Outputs.require("student_logprobs", studentLogprobs, rows);
    Outputs.optional("student_entropy", studentEntropy, rows);
    Outputs.optional("teacher_logprobs", teacherLogprobs, (long) batch.contexts() * rows);
    cl_kernel k = cl.kernel("token_logprobs");
    int slice = cl.rowsPerSlice(rows, vocab, 1 + contexts, Math.max(1, contexts));
    for (int r0 = 0; r0 < rows; r0 += slice) {
      int n = Math.min(slice, rows - r0);
      long cells = (long) n * vocab;
      cl_mem z = cl.buffer("student", cells * 4);
      cl_mem u = cl.buffer("teachers", Math.max(1, contexts) * cells * 4);
      cl_mem tokens = cl.buffer("tokens", n * 4L);
      cl_mem s = cl.buffer("s", n * 4L);
      cl_mem h = cl.buffer("entropy", n * 4L);
      cl_mem t = cl.buffer("t", Math.max(1, contexts) * n * 4L);
      cl.write(z, 0, batch.studentLogits(), (long) r0 * vocab, cells);
      for (int c = 0; c < contexts; c++) {
        cl.write(u, c * cells, batch.teacherLogits()[c], (long) r0 * vocab, cells);
      }
      cl.write(tokens, batch.tokens(), r0, n);
      cl.args(k, z, u, tokens, n, vocab, contexts, 1f / temperature, studentEntropy == null ? 0 : 1, s, h, t);
      cl.runRows(k, n);
      cl.read(s, 0, studentLogprobs, r0, n);
      if (studentEntropy != null) {
        cl.read(h, 0, studentEntropy, r0, n);
      }
      for (int c = 0; c < contexts; c++) {
        cl.read(t, (long) c * n, teacherLogprobs, (long) c * rows + r0, n);
      }
    }
  }
}
