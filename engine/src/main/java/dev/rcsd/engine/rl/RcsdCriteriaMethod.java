package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.LossBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * rcsd-criteria: one teacher pass per rubric criterion (pitfalls phrased "avoid ..."); each
 * token's advantage combines the teachers' log-ratios with the normalised weights
 * |w_k| / sum |w|, through the rubric-weighted advantage kernel, one rollout at a time (rubrics
 * differ between problems); optionally the group outcome advantage is added with weight
 * {@code criteria.outcome_mix}.
 */
final class RcsdCriteriaMethod implements Method {
  @Override
  public String name() {
    return "rcsd-criteria";
  }

  @Override
  public List<String> teacherContexts(Problem p) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < p.rubric().criteria().size(); i++) {
      out.add("criterion:" + i);
    }
    return out;
  }

  @Override
  public double loss(KernelBackend kernels, UpdateRows rows, UpdateRows.Block block, RunConfig c, float[] grad) {
    double loss = 0;
    float[] ones = rows.ones(); // every token weighs 1 / N: each rollout's token mean weighed by its tokens
    // one call per rollout (rubrics differ between problems) on its rows inside the block
    for (int r = rows.rollout(block.from); r < rows.rollouts.size() && rows.start[r] < block.to; r++) {
      int a = Math.max(block.from, rows.start[r]);
      int b = Math.min(block.to, rows.start[r + 1]);
      if (a >= b) {
        continue;
      }
      int contexts = rows.rollouts.get(r).getTeachersCount();
      float[][] teachers = new float[contexts][];
      float[] weights = new float[contexts];
      double total = 0;
      for (int k = 0; k < contexts; k++) {
        teachers[k] = block.teacher(a, b, k);
        weights[k] = Math.abs(rows.rollouts.get(r).getRubric().getCriteria(k).getWeight());
        total += weights[k];
      }
      for (int k = 0; k < contexts; k++) {
        weights[k] /= (float) total;
      }
      float[] part = new float[(b - a) * rows.vocab];
      loss += kernels.rubricAdvantage().computeBlock(block.batch(a, b, block.student(a, b), ones, teachers, weights),
          c.loss(), null, rows.divergence, part);
      System.arraycopy(part, 0, grad, (a - block.from) * rows.vocab, part.length);
    }
    for (int n = block.from; n < block.to; n++) {
      rows.divergence[n] = -rows.divergence[n]; // the advantage is minus the divergence
    }
    if (c.criteria().outcomeMix() != 0) {
      loss += outcome(kernels, rows, block, c, grad);
    }
    return loss;
  }

  /**
   * Adds mix * (-mean(A s)) with A the group outcome advantage: GRPO's kernel at ratio 1 (old = the
   * current log-probs), whose gradient is exactly that.
   */
  private static double outcome(KernelBackend kernels, UpdateRows rows, UpdateRows.Block block, RunConfig c,
      float[] grad) {
    float[] ones = rows.ones();
    float[] s = new float[rows.rows];
    kernels.tokenLogProbs().computeBlock(block.batch(ones, null, null), c.loss().temperature(), s, null, null);
    float[] current = java.util.Arrays.copyOfRange(s, block.from, block.to);
    float[] adv = java.util.Arrays.copyOfRange(rows.advantages, block.from, block.to);
    for (int n = 0; n < adv.length; n++) {
      adv[n] *= (float) c.criteria().outcomeMix();
    }
    LossBatch b = LossBatch.builder(block.size(), rows.vocab).block(block.from, rows.rows, rows.rows)
        .studentLogits(block.student).tokens(java.util.Arrays.copyOfRange(rows.tokens, block.from, block.to))
        .mask(java.util.Arrays.copyOfRange(ones, block.from, block.to)).oldLogprobs(current).refLogprobs(current)
        .seqAdvantages(adv).build();
    float[] extra = new float[grad.length];
    double loss = kernels.grpoLoss().computeBlock(b, c.loss().withKlCoef(0f), null, extra);
    for (int i = 0; i < grad.length; i++) {
      grad[i] += extra[i];
    }
    return loss;
  }
}
