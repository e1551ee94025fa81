package dev.rcsd.engine.rl;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.kernels.KernelBackend;
import java.util.List;

/**
 * What distinguishes GRPO, OPSD, RCSD and rcsd-criteria: which teacher contexts the score stage
 * runs, and how the update stage turns the rows into a loss and d loss / d logits through the
 * kernel library. Sampling, scoring, the optimizer, checkpoints and logging are shared.
 */
public interface Method {
  String name();

  /** The teacher prompts to score a completion of {@code p} under: none, or context names of PromptTemplates. */
  List<String> teacherContexts(Problem p);

  /**
   * Fills {@code grad} [block rows, V] with d loss / d student logits at one block of the step's
   * rows and returns the block's share of the loss: the loss of the step is the sum over its
   * blocks, whatever their size. Writes each row's teacher divergence to {@code rows.divergence}.
   */
  double loss(KernelBackend kernels, UpdateRows rows, UpdateRows.Block block, RunConfig c, float[] grad);

  /** Whether the method has a teacher (and so a teacher divergence to report). */
  default boolean hasTeacher() {
    return true;
  }

  static Method of(String name) {
    return switch (name) {
      case "grpo" -> new GrpoMethod();
      case "opsd" -> new OpsdMethod();
      case "rcsd" -> new RcsdMethod();
      case "rcsd-criteria" -> new RcsdCriteriaMethod();
      default -> throw new IllegalArgumentException("unknown method '" + name + "'");
    };
  }
}
