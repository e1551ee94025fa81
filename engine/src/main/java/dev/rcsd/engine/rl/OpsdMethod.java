package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.LossBatch;
import java.util.Arrays;
import java.util.List;

/**
 * OPSD: the teacher is the frozen initial model with the reference solution in its prompt. Modes:
 *
 * <pre>
 *   full   generalized JSD_beta over the whole vocabulary, per token
 *   topk   the same over the teacher's top-k, both distributions restricted to it
 *   token     the sampled token's teacher/student log-ratio as an advantage (one-sample estimate)
 *   released  the RCSD authors' OPSD baseline: RCSD's loss (forward KL over the teacher's top-k,
 *             renormalised, per-entry clip; loss.top_k, loss.kl_clip, loss.temperature) with the
 *             reference solution as the teacher's context instead of the rubric
 * </pre>
 *
 * Tokens are pooled by the run's {@code reduction}.
 */
final class OpsdMethod implements Method {
  @Override
  public String name() {
    return "opsd";
  }

  @Override
  public List<String> teacherContexts(Problem p) {
    return List.of("reference");
  }

  @Override
  public double loss(KernelBackend kernels, UpdateRows rows, RunConfig c, float[] grad, StepStats.Builder stats) {
    float[] teacher = rows.teacher(0);
    float[] per = new float[rows.rows];
    float[] mask = rows.mask(c.reduction());
    double loss;
    switch (c.opsd().mode()) {
      case "token" -> {
        loss = kernels.rubricAdvantage().compute(rows.batch(mask, new float[][] {teacher}, new float[] {1f}),
            c.loss(), null, per, grad);
        stats.teacherDivergence = -mean(per);
      }
      case "released" -> {
        loss = kernels.topKDistillation().compute(rows.batch(mask, new float[][] {teacher}, null), c.loss(),
            null, per, grad);
        stats.teacherDivergence = mean(per);
      }
      case "topk" -> {
        float[] student = rows.student.clone();
        restrictToTeacherTopK(student, teacher, rows.rows, rows.vocab, c.opsd().topK());
        LossBatch b = LossBatch.builder(rows.rows, rows.vocab).studentLogits(student).teacherLogits(teacher)
            .tokens(rows.tokens).mask(mask).build();
        loss = kernels.generalizedJsd().compute(b, c.loss(), null, per, grad);
        stats.teacherDivergence = mean(per);
      }
      default -> {
        loss = kernels.generalizedJsd().compute(rows.batch(mask, new float[][] {teacher}, null), c.loss(), null,
            per, grad);
        stats.teacherDivergence = mean(per);
      }
    }
    return loss;
  }

  /** Keeps each row's k largest teacher entries in both rows; the rest become -inf (padding). */
  static void restrictToTeacherTopK(float[] student, float[] teacher, int rows, int vocab, int k) {
    float[] sorted = new float[vocab];
    for (int n = 0; n < rows; n++) {
      int base = n * vocab;
      System.arraycopy(teacher, base, sorted, 0, vocab);
      Arrays.sort(sorted);
      float threshold = sorted[Math.max(0, vocab - k)];
      int kept = 0;
      for (int v = 0; v < vocab; v++) {
        if (teacher[base + v] > threshold || (teacher[base + v] == threshold && kept < k)) {
          kept++;
        } else {
          teacher[base + v] = Float.NEGATIVE_INFINITY;
          student[base + v] = Float.NEGATIVE_INFINITY;
        }
      }
    }
  }

  static double mean(float[] a) {
    double s = 0;
    for (float x : a) {
      s += x;
    }
    return a.length == 0 ? Double.NaN : s / a.length;
  }
}
