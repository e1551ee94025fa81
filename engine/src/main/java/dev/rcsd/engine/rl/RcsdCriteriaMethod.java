package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Criterion;
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
  public double loss(KernelBackend kernels, UpdateRows rows, RunConfig c, float[] grad, StepStats.Builder stats) {
    double loss = 0;
    double signal = 0;
    int vocab = rows.vocab;
    for (int r = 0; r < rows.rollouts.size(); r++) {
      int from = rows.start[r];
      int length = rows.start[r + 1] - from;
      if (length == 0) {
        continue;
      }
      int contexts = rows.rollouts.get(r).getTeachersCount();
      float[][] teachers = new float[contexts][];
      float[] weights = new float[contexts];
      double total = 0;
      for (int k = 0; k < contexts; k++) {
        teachers[k] = rows.teacherOf(r, k);
        weights[k] = Math.abs(rows.rollouts.get(r).getRubric().getCriteria(k).getWeight());
        total += weights[k];
      }
      for (int k = 0; k < contexts; k++) {
        weights[k] /= (float) total;
      }
      float[] mask = new float[length];
      java.util.Arrays.fill(mask, 1f);
      LossBatch b = LossBatch.builder(length, vocab).studentLogits(rows.studentOf(r)).teacherLogits(teachers)
          .tokens(java.util.Arrays.copyOfRange(rows.tokens, from, from + length)).mask(mask).criterionWeights(weights)
          .build();
      float[] part = new float[length * vocab];
      float[] adv = new float[length];
      double share = (double) length / rows.rows; // rollout losses are token means: weigh by their tokens
      loss += share * kernels.rubricAdvantage().compute(b, c.loss(), null, adv, part);
      for (int i = 0; i < part.length; i++) {
        grad[from * vocab + i] = (float) (share * part[i]);
      }
      for (float a : adv) {
        signal += a;
      }
    }
    stats.teacherDivergence = -signal / Math.max(1, rows.rows);
    if (c.criteria().outcomeMix() != 0) {
      loss += outcome(kernels, rows, c, grad);
    }
    return loss;
  }

  /**
   * Adds mix * (-mean(A s)) with A the group outcome advantage: GRPO's kernel at ratio 1 (old = the
   * current log-probs), whose gradient is exactly that.
   */
  private static double outcome(KernelBackend kernels, UpdateRows rows, RunConfig c, float[] grad) {
    float[] s = new float[rows.rows];
    LossBatch plain = rows.batch(rows.ones(), null, null);
    kernels.tokenLogProbs().compute(plain, c.loss().temperature(), s, null, null);
    float[] adv = rows.advantages.clone();
    for (int n = 0; n < adv.length; n++) {
      adv[n] *= (float) c.criteria().outcomeMix();
    }
    LossBatch b = LossBatch.builder(rows.rows, rows.vocab).studentLogits(rows.student).tokens(rows.tokens)
        .mask(rows.ones()).oldLogprobs(s).refLogprobs(s).seqAdvantages(adv).build();
    float[] extra = new float[grad.length];
    double loss = kernels.grpoLoss().compute(b, c.loss().withKlCoef(0f), null, extra);
    for (int i = 0; i < grad.length; i++) {
      grad[i] += extra[i];
    }
    return loss;
  }
}
