package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.kernels.KernelBackend;
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
  public double loss(KernelBackend kernels, UpdateRows rows, UpdateRows.Block block, RunConfig c, float[] grad) {
    float[] teacher = block.teacher(0);
    float[] mask = rows.mask(c.reduction());
    float[] out = rows.divergence;
    return switch (c.opsd().mode()) {
      case "token" -> {
        double loss = kernels.rubricAdvantage().computeBlock(block.batch(mask, new float[][] {teacher},
            new float[] {1f}), c.loss(), null, out, grad);
        for (int n = block.from; n < block.to; n++) {
          out[n] = -out[n]; // the advantage is minus the divergence
        }
        yield loss;
      }
      case "released" -> kernels.topKDistillation().computeBlock(block.batch(mask, new float[][] {teacher}, null),
          c.loss(), null, out, grad);
      case "topk" -> {
        float[] student = block.student.clone();
        restrictToTeacherTopK(student, teacher, block.size(), rows.vocab, c.opsd().topK());
        yield kernels.generalizedJsd().computeBlock(block.batch(block.from, block.to, student, mask,
            new float[][] {teacher}, null), c.loss(), null, out, grad);
      }
      default -> kernels.generalizedJsd().computeBlock(block.batch(mask, new float[][] {teacher}, null), c.loss(),
          null, out, grad);
    };
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
}
