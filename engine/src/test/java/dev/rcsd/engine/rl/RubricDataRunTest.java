package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.RubricDatasetTest;
import dev.rcsd.io.rollout.RolloutReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose data is a rubric dataset file: split, sampled, scored with its rubric, updated. */
class RubricDataRunTest {
  @TempDir Path tmp;

  @Test
  void aDatasetFileIsSplitByItsSeedIntoDisjointHalves() throws Exception {
    Path f = RubricDatasetTest.writeParquet(tmp.resolve("d.parquet"), 20);
    RunConfig c = TinyRuns.resolve("rcsd", 1, Map.of("data", f.toString(), "test_problems", 6));
    TaskData d = TaskData.load(c);
    assertEquals(14, d.train().size());
    assertEquals(6, d.test().size());
    Set<String> ids = new HashSet<>();
    d.train().forEach(p -> ids.add(p.id()));
    d.test().forEach(p -> assertTrue(ids.add(p.id()), "disjoint"));
    assertEquals(d.test(), TaskData.load(c).test(), "the seed decides");
    RunConfig other = TinyRuns.resolve("rcsd", 1, Map.of("data", f.toString(), "test_problems", 6, "data_seed", 2));
    assertTrue(!TaskData.load(other).test().equals(d.test()), "another seed, another split");
    RunConfig greedy = TinyRuns.resolve("rcsd", 1, Map.of("data", f.toString(), "test_problems", 100));
    assertEquals(10, TaskData.load(greedy).test().size(), "at most half is held out");
  }

  @Test
  void rcsdTrainsOnAParquetDataset() throws Exception {
    Path f = RubricDatasetTest.writeParquet(tmp.resolve("d.parquet"), 12);
    Path dir = tmp.resolve("run");
    RunConfig c = TinyRuns.resolve("rcsd", 1, Map.of("data", f.toString(), "test_problems", 2, "eval_problems", 2,
        "prompts_per_step", 2, "reason_first", Map.of("enabled", false)));
    Trainer.Result r = TinyRuns.trainer(dir).start(c);
    assertEquals(2, r.fin().problems());
    RolloutReader.Batch scored = RolloutReader.readAll(new RunDir(dir).rollouts(1, "score"));
    List<Problem> train = TaskData.load(c).train();
    for (var rollout : scored.rollouts()) {
      Problem p = train.stream().filter(x -> x.id().equals(rollout.getPromptId())).findFirst().orElseThrow();
      assertEquals(p.rubric().criteria().size(), rollout.getRubric().getCriteriaCount());
      assertEquals(1, rollout.getTeachersCount());
    }
  }
}
