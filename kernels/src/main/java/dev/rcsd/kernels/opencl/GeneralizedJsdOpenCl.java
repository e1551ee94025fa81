package dev.rcsd.kernels.opencl;

import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * {@link GeneralizedJsd} on an OpenCL device: generalized_jsd.cl per row, sum_rows for the loss.
 * Student log-probs, when asked for, take one more pass (token_logprobs.cl).
 */
public final class GeneralizedJsdOpenCl implements GeneralizedJsd {
  private final OpenClSession cl;
  private final TokenLogProbsOpenCl logprobs;

  GeneralizedJsdOpenCl(OpenClSession cl, TokenLogProbsOpenCl logprobs) {
    this.cl = cl;
    this.logprobs = logprobs;
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] jsd, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("jsd", jsd, (long) contexts * rows);
    Outputs.require("grad_jsd", grad, (long) rows * vocab);
    double scale = Outputs.rowScale(batch, contexts);
    cl_kernel k = cl.kernel("generalized_jsd");
    int slice = cl.rowsPerSlice(rows, vocab, 2 + contexts, contexts);
    double loss = 0;
    for (int r0 = 0; r0 < rows; r0 += slice) {
      int n = Math.min(slice, rows - r0);
      long cells = (long) n * vocab;
      cl_mem z = cl.buffer("student", cells * 4);
      cl_mem u = cl.buffer("teachers", contexts * cells * 4);
      cl_mem mask = cl.buffer("mask", n * 4L);
      cl_mem out = cl.buffer("per_row", (long) contexts * n * 4);
      cl_mem rowLoss = cl.buffer("row_loss", n * 4L);
      cl_mem g = cl.buffer("grad", cells * 4);
      cl.write(z, 0, batch.studentLogits(), (long) r0 * vocab, cells);
      for (int c = 0; c < contexts; c++) {
        cl.write(u, c * cells, batch.teacherLogits()[c], (long) r0 * vocab, cells);
      }
      cl.write(mask, 0, batch.mask(), r0, n);
      cl.args(k, z, u, mask, n, vocab, contexts, 1f / params.temperature(), params.jsdBeta(), (float) scale, out,
          rowLoss, g);
      cl.runRows(k, n);
      cl.read(g, 0, grad, (long) r0 * vocab, cells);
      for (int c = 0; c < contexts; c++) {
        cl.read(out, (long) c * n, jsd, (long) c * rows + r0, n);
      }
      loss += cl.sumRows(rowLoss, n);
    }
    if (studentLogprobs != null) {
      logprobs.compute(batch, params.temperature(), studentLogprobs, null, null);
    }
    return loss * scale;
  }
}
