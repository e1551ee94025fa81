package dev.rcsd.kernels.opencl;

import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/** {@link GrpoLoss} on an OpenCL device: grpo_loss.cl per row, sum_rows for the loss. */
public final class GrpoLossOpenCl implements GrpoLoss {
  private final OpenClSession cl;

  GrpoLossOpenCl(OpenClSession cl) {
    this.cl = cl;
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("grad_grpo", grad, (long) rows * vocab);
    double scale = Outputs.rowScale(batch, 1);
    cl_kernel k = cl.kernel("grpo_loss");
    int slice = cl.rowsPerSlice(rows, vocab, 2, 1);
    double loss = 0;
    for (int r0 = 0; r0 < rows; r0 += slice) {
      int n = Math.min(slice, rows - r0);
      long cells = (long) n * vocab;
      cl_mem z = cl.buffer("student", cells * 4);
      cl_mem tokens = cl.buffer("tokens", n * 4L);
      cl_mem mask = cl.buffer("mask", n * 4L);
      cl_mem old = cl.buffer("old", n * 4L);
      cl_mem ref = cl.buffer("ref", n * 4L);
      cl_mem adv = cl.buffer("adv", n * 4L);
      cl_mem s = cl.buffer("s", n * 4L);
      cl_mem rowLoss = cl.buffer("row_loss", n * 4L);
      cl_mem g = cl.buffer("grad", cells * 4);
      cl.write(z, 0, batch.studentLogits(), (long) r0 * vocab, cells);
      cl.write(tokens, batch.tokens(), r0, n);
      cl.write(mask, 0, batch.mask(), r0, n);
      cl.write(old, 0, batch.oldLogprobs(), r0, n);
      cl.write(ref, 0, batch.refLogprobs(), r0, n);
      cl.write(adv, 0, batch.seqAdvantages(), r0, n);
      cl.args(k, z, tokens, mask, old, ref, adv, vocab, 1f / params.temperature(), params.epsLow(), params.epsHigh(),
          params.klCoef(), (float) scale, s, rowLoss, g);
      cl.runRows(k, n);
      cl.read(g, 0, grad, (long) r0 * vocab, cells);
      if (studentLogprobs != null) {
        cl.read(s, 0, studentLogprobs, r0, n);
      }
      loss += cl.sumRows(rowLoss, n);
    }
    return loss * scale;
  }
}
