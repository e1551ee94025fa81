package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.LossParams;
import java.util.List;

/**
 * GRPO: group-normalised outcome advantages (optionally without the std scaling of Dr. GRPO), the
 * clipped ratio with separate low/high clips (DAPO), an optional k3 KL to the initial model, and
 * one of three aggregations:
 *
 * <pre>
 *   token-mean            sum over all tokens / number of tokens             (mask 1)
 *   seq-mean-token-mean   mean over sequences of each sequence's token mean  (mask 1 / length)
 *   dr_grpo               sum over all tokens / (sequences x max new tokens)
 * </pre>
 */
final class GrpoMethod implements Method {
  @Override
  public String name() {
    return "grpo";
  }

  @Override
  public List<String> teacherContexts(Problem p) {
    return List.of();
  }

  @Override
  public boolean hasTeacher() {
    return false;
  }

  @Override
  public double loss(KernelBackend kernels, UpdateRows rows, UpdateRows.Block block, RunConfig c, float[] grad) {
    String aggregation = c.grpo().aggregation();
    float[] mask = rows.mask(aggregation);
    // the ratio compares log-probs at the sampling temperature
    LossParams p = c.loss().withTemperature(c.sampling().temperature());
    double loss = kernels.grpoLoss().computeBlock(block.batch(mask, null, null), p, null, grad);
    if (aggregation.equals("dr_grpo")) {
      double scale = (double) rows.rows / ((double) rows.rollouts.size() * c.sampling().maxNewTokens());
      for (int i = 0; i < grad.length; i++) {
        grad[i] *= (float) scale;
      }
      loss *= scale;
    }
    return loss;
  }
}
