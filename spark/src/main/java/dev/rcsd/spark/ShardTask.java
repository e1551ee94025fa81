package dev.rcsd.spark;

import dev.rcsd.engine.rl.Cursor;
import dev.rcsd.engine.rl.Stages;
import java.io.Serializable;

/**
 * What one Spark task needs to sample and score one shard of a training step: everything else
 * (the initial model, the policy) it reads from the shared folder.
 *
 * @param halt halt the executor in the task's first attempt, after it wrote part of its shard:
 *     the fault the tests inject through {@code spark.rcsd.killExecutorOnce}
 */
record ShardTask(SharedFolder shared, String configJson, long step, long cursorEpoch, long cursorPosition,
    int index, int from, int to, int firstAnalysis, String policyName, String producer, boolean halt)
    implements Serializable {

  Stages.Shard shard() {
    return new Stages.Shard(index, from, to, firstAnalysis);
  }

  Cursor cursor() {
    return new Cursor(cursorEpoch, cursorPosition);
  }

  /** The policy checkpoint of the step, in the shared folder. */
  static String policy(long step) {
    return "policy/step-" + step + ".ckpt";
  }

  /** The folder of the step's shards, in the shared folder. */
  static String shards(long step) {
    return "shards/step-" + step;
  }

  /** A shard's batch of {@code stage} (sample or score), in the shared folder. */
  static String shard(long step, int index, String stage) {
    return shards(step) + "/shard-" + index + "." + stage + ".rollouts";
  }

  String file(String stage) {
    return shard(step, index, stage);
  }
}
