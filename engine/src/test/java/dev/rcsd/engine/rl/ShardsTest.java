package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.io.proto.BatchHeader;
import dev.rcsd.io.rollout.RolloutReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a step splits into the shards that train --spark runs as tasks. */
public class ShardsTest {
  private static List<Stages.Shard> shards(String method, int prompts, int shard) throws IOException {
    RunConfig c = TinyRuns.resolve(method, 1, Map.of("prompts_per_step", prompts, "shard_prompts", shard));
    List<Problem> step = Stages.problems(TaskData.load(c), c, Cursor.START);
    assertEquals(prompts, step.size());
    return Stages.shards(c, step);
  }

  @Test
  void aStepSplitsIntoShardsOfShardPromptsProblemsInOrder() throws IOException {
    assertEquals(List.of(new Stages.Shard(0, 0, 3, 0), new Stages.Shard(1, 3, 6, 0), new Stages.Shard(2, 6, 8, 0)),
        shards("grpo", 8, 3), "grpo's teacherless shards draw no analyses");
    assertEquals(List.of(new Stages.Shard(0, 0, 8, 0)), shards("grpo", 8, 0), "0: the whole step");
    assertEquals(List.of(new Stages.Shard(0, 0, 8, 0)), shards("grpo", 8, 20), "at most the step");
    // rcsd's reason-first teacher draws one analysis per problem: the second shard's start after the first's
    assertEquals(List.of(new Stages.Shard(0, 0, 3, 0), new Stages.Shard(1, 3, 4, 3)), shards("rcsd", 4, 3));
  }

  @Test
  void aShardSamplesTheStepsGroupsUnderTheStepsHeader() throws IOException {
    RunConfig c = TinyRuns.resolve("grpo", 1, Map.of("prompts_per_step", 3, "shard_prompts", 2));
    TaskData data = TaskData.load(c);
    try (var tok = dev.rcsd.engine.task.ModelTokenizer.of(TinyRuns.init());
        var policy = dev.rcsd.engine.model.PolicyModel.load(TinyRuns.init())) {
      List<Stages.Shard> shards = Stages.shards(c, Stages.problems(data, c, Cursor.START));
      RolloutReader.Batch first = Stages.sample(policy, tok, data, c, 5, Cursor.START, shards.get(0), "p", "t");
      RolloutReader.Batch second = Stages.sample(policy, tok, data, c, 5, Cursor.START, shards.get(1), "p", "t");
      assertEquals(first.header(), second.header(), "the step's cursor and seed, whatever the shard");
      assertEquals(List.of(15L, 15L, 16L, 16L), first.rollouts().stream().map(r -> r.getGroupId()).toList());
      assertEquals(List.of(17L, 17L), second.rollouts().stream().map(r -> r.getGroupId()).toList());
      RolloutReader.Batch whole = Stages.merge(List.of(first, second));
      assertEquals(6, whole.rollouts().size());
      assertEquals(new Cursor(0, 3), Stages.cursorAfter(whole));

      RolloutReader.Batch other = new RolloutReader.Batch(BatchHeader.newBuilder(first.header()).setStep(6).build(),
          second.rollouts());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Stages.merge(List.of(first, other)));
      assertTrue(e.getMessage().contains("shard 1 of step 5 was written under another header"), e.getMessage());
    }
  }

  @Test
  void negativeShardSizesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TinyRuns.resolve("grpo", 1, Map.of("shard_prompts", -1)));
    assertTrue(e.getMessage().contains("shard_prompts = -1 must be >= 0"), e.getMessage());
  }
}
