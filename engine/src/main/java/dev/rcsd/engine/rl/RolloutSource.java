package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.io.rollout.RolloutReader;
import java.io.IOException;

/**
 * Where a training step's sampled and scored batches come from: this process (the default), or a
 * cluster that runs the step's shards as tasks ({@code train --spark}). Either way the batches are
 * those {@link Stages#sample} and {@link Stages#score} give for the run's configuration.
 */
public interface RolloutSource extends AutoCloseable {
  /** A step's two batches. */
  record Step(RolloutReader.Batch sampled, RolloutReader.Batch scored) {}

  /**
   * Samples and scores step {@code step} with {@code policy} (the policy after {@code step}
   * updates) from the problems after {@code cursor}.
   */
  Step produce(PolicyModel policy, long step, Cursor cursor, String policyName) throws IOException;

  @Override
  default void close() throws IOException {}

  /** Opens a run's source once its initial model exists ({@code dir.init()}). */
  @FunctionalInterface
  interface Factory {
    RolloutSource open(RunDir dir, RunConfig c, String producer) throws IOException;
  }
}
