package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.kernels.KernelBackend;
import java.util.List;

/**
 * RCSD as released: the teacher is the frozen initial model with the reference answer and the
 * whole rubric in its prompt; the loss is the forward KL over the teacher's top-k, renormalised,
 * with a per-entry clip, at a temperature (defaults: k = 20, clip 0.05, T = 1.2); one sample per
 * prompt; tokens pooled by the run's {@code reduction}.
 */
final class RcsdMethod implements Method {
  @Override
  public String name() {
    return "rcsd";
  }

  @Override
  public List<String> teacherContexts(Problem p) {
    return List.of("rubric");
  }

  @Override
  public double loss(KernelBackend kernels, UpdateRows rows, UpdateRows.Block block, RunConfig c, float[] grad) {
    return kernels.topKDistillation().computeBlock(block.batch(rows.mask(c.reduction()),
        new float[][] {block.teacher(0)}, null), c.loss(), null, rows.divergence, grad);
  }
}
