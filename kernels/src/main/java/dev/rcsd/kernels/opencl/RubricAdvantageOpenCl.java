package dev.rcsd.kernels.opencl;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.RubricAdvantage;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/** {@link RubricAdvantage} on an OpenCL device: rubric_advantage.cl per row, sum_rows for the loss. */
public final class RubricAdvantageOpenCl implements RubricAdvantage {
  private final OpenClSession cl;

  RubricAdvantageOpenCl(OpenClSession cl) {
    this.cl = cl;
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] advantages,
      float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("advantages", advantages, rows);
    Outputs.require("grad_pg", grad, (long) rows * vocab);
    double scale = Outputs.rowScale(batch, 1);
    cl_kernel k = cl.kernel("rubric_advantage");
    int slice = cl.rowsPerSlice(rows, vocab, 2 + contexts, contexts);
    cl_mem weights = cl.buffer("weights", contexts * 4L);
    cl.write(weights, 0, batch.criterionWeights(), 0, contexts);
    double loss = 0;
    for (int r0 = 0; r0 < rows; r0 += slice) {
      int n = Math.min(slice, rows - r0);
      long cells = (long) n * vocab;
      cl_mem z = cl.buffer("student", cells * 4);
      cl_mem u = cl.buffer("teachers", contexts * cells * 4);
      cl_mem tokens = cl.buffer("tokens", n * 4L);
      cl_mem mask = cl.buffer("mask", n * 4L);
      cl_mem s = cl.buffer("s", n * 4L);
      cl_mem adv = cl.buffer("per_row", n * 4L);
      cl_mem rowLoss = cl.buffer("row_loss", n * 4L);
      cl_mem g = cl.buffer("grad", cells * 4);
      cl.write(z, 0, batch.studentLogits(), (long) r0 * vocab, cells);
      for (int c = 0; c < contexts; c++) {
        cl.write(u, c * cells, batch.teacherLogits()[c], (long) r0 * vocab, cells);
      }
      cl.write(tokens, batch.tokens(), r0, n);
      cl.write(mask, 0, batch.mask(), r0, n);
      cl.args(k, z, u, tokens, mask, weights, n, vocab, contexts, 1f / params.temperature(), params.advClip(),
          (float) scale, s, adv, rowLoss, g);
      cl.runRows(k, n);
      cl.read(g, 0, grad, (long) r0 * vocab, cells);
      cl.read(adv, 0, advantages, r0, n);
      if (studentLogprobs != null) {
        cl.read(s, 0, studentLogprobs, r0, n);
      }
      loss += cl.sumRows(rowLoss, n);
    }
    return loss * scale;
  }
}
