package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.Criterion;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.RubricDatasetTest;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.CriterionGrade;
import dev.rcsd.io.proto.Rollout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge: P(yes) from the model's logits after the question, and the rubric reward from it. */
class JudgeTest {
  @TempDir Path tmp;

  /** Words of the built-in vocabulary stand in for Yes and No: the arithmetic is what is tested. */
  static RunConfig.JudgeSettings settings() {
    return new RunConfig.JudgeSettings(true, "", RunConfig.JudgeSettings.OFF.prompt(), "force", "mass");
  }

  @Test
  void theScoreIsTheYesProbabilityAgainstNoAfterTheQuestion() throws Exception {
    Path f = RubricDatasetTest.writeParquet(tmp.resolve("d.parquet"), 3);
    List<Problem> problems = dev.rcsd.engine.task.RubricDataset.read(f, dev.rcsd.engine.task.DataFields.DEFAULTS);
    try (PolicyModel m = PolicyModel.load(TinyRuns.init()); TaskTokenizer tok = ModelTokenizer.of(TinyRuns.init())) {
      Judge judge = new Judge(m, tok, settings(), 3);
      List<Judge.Question> qs = new ArrayList<>();
      for (Problem p : problems) {
        for (int k = 0; k < p.rubric().criteria().size(); k++) {
          qs.add(new Judge.Question(p, k, "the force is 3 N"));
        }
      }
      double[] batched = judge.probabilities(qs);
      int yes = tok.encode("force")[0];
      int no = tok.encode("mass")[0];
      int vocab = m.config().vocabSize();
      for (int i = 0; i < qs.size(); i++) {
        int[] prompt = tok.prompt(judge.prompt(qs.get(i)));
        float[] logits = m.logits(prompt);
        int last = (prompt.length - 1) * vocab;
        double ly = logits[last + yes];
        double ln = logits[last + no];
        assertEquals(1 / (1 + Math.exp(ln - ly)), batched[i], 1e-5, "question " + i);
      }
      assertThrows(IllegalArgumentException.class, () -> new Judge(m, tok,
          new RunConfig.JudgeSettings(true, "", "q", "force mass", "mass"), 3), "a two-token answer is refused");
    }
  }

  @Test
  void theRubricRewardWeighsScoresAndPitfallsSubtract() {
    List<Criterion> c = List.of(new Criterion("a", "a", 5, null), new Criterion("b", "b", 3, null),
        new Criterion("p", "p", -1, null));
    assertEquals((5 + 1.5 - 0.2) / 8, Judge.reward(c, new double[] {1, 0.5, 0.2}), 1e-12);
    assertEquals(0, Judge.reward(c, new double[] {0, 0, 1}), "clipped at 0");
  }

  @Test
  void theScoreStageJudgesWhatNoCheckDecides() throws Exception {
    Path f = RubricDatasetTest.writeParquet(tmp.resolve("d.parquet"), 4);
    List<Problem> problems = dev.rcsd.engine.task.RubricDataset.read(f, dev.rcsd.engine.task.DataFields.DEFAULTS);
    Map<String, Problem> byId = new LinkedHashMap<>();
    problems.forEach(p -> byId.put(p.id(), p));
    RunConfig c = TinyRuns.resolve("grpo", 1, Map.of("reward", "rubric", "judge", Map.of("enabled", true, "yes",
        "force", "no", "mass")));
    try (PolicyModel m = PolicyModel.load(TinyRuns.init()); TaskTokenizer tok = ModelTokenizer.of(TinyRuns.init())) {
      List<Rollout> sampled = SampleStage.run(m, tok, problems.subList(0, 2), c, 0);
      List<Rollout> scored = ScoreStage.run(sampled, byId, m, tok, c, Method.of("grpo"), 1);
      for (Rollout r : scored) {
        Problem p = byId.get(r.getPromptId());
        assertEquals(p.rubric().criteria().size(), r.getGradesCount(), "every criterion has a grade");
        double[] scores = new double[p.rubric().criteria().size()];
        for (CriterionGrade g : r.getGradesList()) {
          assertEquals("judge", g.getDetail());
          assertTrue(g.getScore() > 0 && g.getScore() < 1);
          scores[g.getCriterion()] = g.getScore();
        }
        assertEquals(Judge.reward(p.rubric().criteria(), scores), r.getReward(), 1e-6);
      }
    }
  }
}
