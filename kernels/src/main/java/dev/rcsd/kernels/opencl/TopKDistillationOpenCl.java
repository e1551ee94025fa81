package dev.rcsd.kernels.opencl;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TopKDistillation;
import java.util.function.Supplier;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * {@link TopKDistillation} on an OpenCL device for k &lt;= 64 (topk_distillation.cl selects the
 * top-k in private lists per work-item). A larger k, rare in practice (RCSD uses 20), runs on the
 * host's SIMD backend instead.
 */
public final class TopKDistillationOpenCl implements TopKDistillation {
  /** The largest k the device kernel selects (MAX_K in topk_distillation.cl). */
  public static final int MAX_K = 64;

  private final OpenClSession cl;
  private final TokenLogProbsOpenCl logprobs;
  private final Supplier<TopKDistillation> largeK;

  TopKDistillationOpenCl(OpenClSession cl, TokenLogProbsOpenCl logprobs, Supplier<TopKDistillation> largeK) {
    this.cl = cl;
    this.logprobs = logprobs;
    this.largeK = largeK;
  }

  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] topkKl, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int size = Math.min(params.topK(), vocab);
    if (size > MAX_K) {
      return largeK.get().compute(batch, params, studentLogprobs, topkKl, grad);
    }
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("topk_kl", topkKl, (long) contexts * rows);
    Outputs.require("grad_topk", grad, (long) rows * vocab);
    double scale = Outputs.rowScale(batch, contexts);
    cl_kernel k = cl.kernel("topk_distillation");
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
      cl.args(k, z, u, mask, n, vocab, contexts, size, 1f / params.temperature(), params.klClip(), (float) scale,
          out, rowLoss, g);
      cl.runRows(k, n);
      cl.read(g, 0, grad, (long) r0 * vocab, cells);
      for (int c = 0; c < contexts; c++) {
        cl.read(out, (long) c * n, topkKl, (long) c * rows + r0, n);
      }
      loss += cl.sumRows(rowLoss, n);
    }
    if (studentLogprobs != null) {
      logprobs.compute(batch, params.temperature(), studentLogprobs, null, null);
    }
    return loss * scale;
  }
}
