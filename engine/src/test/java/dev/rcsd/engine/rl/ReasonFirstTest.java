package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sft.SftData;
import dev.rcsd.engine.task.Analysis;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskText;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import dev.rcsd.io.rollout.RolloutReader;
import dev.rcsd.io.rollout.RolloutWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The released RCSD's reason-first teacher: prompt assembly, the stored analysis, reproducibility. */
class ReasonFirstTest {
  static final PromptTemplates P = PromptTemplates.DEFAULTS;

  static Problem problem() {
    return new ScienceGenerator().generate(3, 40, 0, 4).train().stream()
        .filter(p -> p.template().equals("collision")).findFirst().orElseThrow();
  }

  @Test
  void analysisPromptHoldsTheRubricAndStopsBeforeSolving() {
    Problem p = problem();
    String prompt = P.analysis("rubric", p);
    assertTrue(prompt.startsWith("Question: " + p.question() + " Reference answer: " + p.referenceAnswer()
        + " Rubric: - Uses p = m1 * v1: States the relation p = m1 * v1 for the momentum. (6) -"), prompt);
    assertTrue(prompt.endsWith("Do not solve the question yet. Analysis:"), prompt);
    // the released form: the rubric as a JSON array
    PromptTemplates json = new PromptTemplates(P.student(), P.reference(), P.rubric(), P.criterion(),
        "Rubric (JSON array): {rubric_json} Analysis:", P.referenceAnalysis(), P.transition());
    assertTrue(json.analysis("rubric", p).startsWith("Rubric (JSON array): [{\"title\":\"Uses p = m1 * v1\","
        + "\"description\":\"States the relation p = m1 * v1 for the momentum.\",\"weight\":6},"));
    String ref = P.analysis("reference", p);
    assertTrue(ref.contains("Reference solution: " + p.referenceSolution()), ref);
    assertThrows(IllegalArgumentException.class, () -> P.analysis("criterion:0", p));
  }

  @Test
  void builtInAnalysesSummariseTheRubricAndTheReference() {
    Problem p = problem(); // p = m1 * v1 = 8 * 6 = 48 kg*m/s ; v = p / ( m1 + m2 ) = ... = 4 m/s ; Answer: 4 m/s
    String[] steps = p.referenceSolution().split(" ; ");
    String momentum = steps[0].substring(steps[0].lastIndexOf(" = ") + 3);
    assertEquals(TaskText.canonical("Key steps: p = m1 * v1 gives " + momentum + "; v = p / ( m1 + m2 ) gives "
        + p.referenceAnswer() + "; The answer is " + p.referenceAnswer() + "."), Analysis.of("reference", p));
    String rubric = Analysis.of("rubric", p);
    assertTrue(rubric.startsWith(TaskText.canonical("Key requirements: States the relation p = m1 * v1 for the"
        + " momentum.")), rubric);
    assertTrue(rubric.contains(TaskText.canonical("Avoid: Ignoring the mass of the second cart")), rubric);
    try (TaskTokenizer tok = TaskTokenizer.builtIn()) { // every word of the reason-first texts is in the vocabulary
      for (String ctx : List.of("rubric", "reference")) {
        for (int id : tok.encode(P.reasonFirst(ctx, p, Analysis.of(ctx, p)))) {
          assertNotEquals(tok.unk(), id, ctx);
        }
      }
    }
  }

  @Test
  void teacherPrefixIsAnalysisPromptThenAnalysisThenTransition() {
    Problem p = problem();
    try (TaskTokenizer tok = TaskTokenizer.builtIn()) {
      int[] analysis = tok.encode(Analysis.of("rubric", p));
      int[] prefix = ReasonFirstTeacher.prefix(tok, P, "rubric", p, analysis);
      // the same tokens as the whole text encoded at once, which is what the SFT warm-up trains on
      assertArrayEquals(SftData.withBos(tok, tok.encode(P.reasonFirst("rubric", p, Analysis.of("rubric", p)))), prefix);
      assertEquals(tok.bos(), prefix[0]);
      assertTrue(tok.decode(prefix).endsWith("Solve the question on your own , step by step . Solution :"),
          tok.decode(prefix));
    }
  }

  @Test
  void scoreStageStoresTheTeachersAnalysisAndScoresAfterIt(@TempDir Path dir) throws Exception {
    RunConfig c = TinyRuns.resolve("rcsd", 1, Map.of("reason_first", Map.of("enabled", true, "max_tokens", 12)));
    assertTrue(c.reasonFirst().enabled());
    try (TaskTokenizer tok = TaskTokenizer.builtIn(); PolicyModel init = PolicyModel.load(TinyRuns.init())) {
      List<Problem> problems = new ScienceGenerator().generate(1, 300, 0, 4).train().subList(0, 3);
      Map<String, Problem> byId = new LinkedHashMap<>();
      problems.forEach(p -> byId.put(p.id(), p));
      List<Rollout> sampled = SampleStage.run(init, tok, problems, c, 1);
      List<Rollout> scored = ScoreStage.run(sampled, byId, init, tok, c, Method.of("rcsd"), 99);
      for (int i = 0; i < scored.size(); i++) {
        Problem p = byId.get(scored.get(i).getPromptId());
        TeacherScores t = scored.get(i).getTeachers(0);
        assertEquals("rubric", t.getContext());
        int[] analysis = t.getAnalysisTokensList().stream().mapToInt(Integer::intValue).toArray();
        assertTrue(analysis.length >= 1 && analysis.length <= 12, "analysis of " + analysis.length + " tokens");
        assertEquals(tok.decode(analysis), t.getAnalysisText());
        // the teacher's log-probs are those of the frozen model after analysis prompt + analysis + transition
        int[] completion = scored.get(i).getCompletionTokensList().stream().mapToInt(Integer::intValue).toArray();
        int[] prefix = ReasonFirstTeacher.prefix(tok, P, "rubric", p, analysis);
        int[] whole = java.util.stream.IntStream.concat(Arrays.stream(prefix), Arrays.stream(completion)).toArray();
        float[] logits = init.logits(whole); // the whole sequence's logits, [T, V]
        int vocab = init.config().vocabSize();
        for (int pos = 0; pos < completion.length; pos++) {
          assertEquals(dev.rcsd.engine.LogSoftmax.logProb(logits, (prefix.length - 1 + pos) * vocab, vocab,
              completion[pos]), t.getTokenLogprobs(pos), 1e-4, "position " + pos);
        }
      }
      // scoring again gives the same analyses and scores; another batch seed draws other analyses
      assertEquals(scored, ScoreStage.run(sampled, byId, init, tok, c, Method.of("rcsd"), 99));
      List<Rollout> other = ScoreStage.run(sampled, byId, init, tok, c, Method.of("rcsd"), 100);
      assertFalse(analyses(other).equals(analyses(scored)), "another seed, the same analyses");
      // the analysis survives the rollout file
      Path file = dir.resolve("scored.rollouts");
      try (RolloutWriter w = RolloutWriter.create(file, dev.rcsd.io.proto.BatchHeader.newBuilder().setStep(1)
          .setStage("score").build())) {
        for (Rollout r : scored) {
          w.write(r);
        }
        w.commit();
      }
      assertEquals(analyses(scored), analyses(RolloutReader.readAll(file).rollouts()));
      assertTrue(Files.size(file) > 0);
      // without reason_first the teacher scores after the plain rubric prompt and stores no analysis
      RunConfig plain = TinyRuns.resolve("rcsd", 1, Map.of("reason_first", Map.of("enabled", false)));
      Rollout r = ScoreStage.run(sampled, byId, init, tok, plain, Method.of("rcsd"), 99).get(0);
      assertEquals(0, r.getTeachers(0).getAnalysisTokensCount());
      assertEquals("", r.getTeachers(0).getAnalysisText());
    }
  }

  @Test
  void warmupTeachesTheAnalysisAndTheSolutionAfterIt() {
    List<Problem> problems = new ScienceGenerator().generate(2, 400, 0, 4).train();
    try (TaskTokenizer tok = TaskTokenizer.builtIn()) {
      List<dev.rcsd.engine.train.TokenBatch.Sequence> examples = SftData.examples(problems, tok, P, 1.0, 0, 5);
      int analyses = 0;
      int solutionsAfterAnalysis = 0;
      for (int i = 0; i < problems.size(); i++) {
        Problem p = problems.get(i);
        String prompt = tok.decode(examples.get(i).prompt());
        String target = tok.decode(examples.get(i).completion());
        if (prompt.equals(TaskText.canonical(P.analysis("rubric", p)))) {
          assertEquals(TaskText.canonical(Analysis.of("rubric", p)), target);
          analyses++;
        } else if (prompt.equals(TaskText.canonical(P.reasonFirst("reference", p, Analysis.of("reference", p))))) {
          assertEquals(TaskText.canonical(p.referenceSolution()), target);
          solutionsAfterAnalysis++;
        }
      }
      // 20% of privileged examples reason first over the rubric, half of them are analyses: about 40 of 400
      assertTrue(analyses > 20 && analyses < 60, analyses + " rubric analyses");
      assertTrue(solutionsAfterAnalysis > 20 && solutionsAfterAnalysis < 60, solutionsAfterAnalysis + " solutions");
    }
  }

  static List<String> analyses(List<Rollout> rollouts) {
    return rollouts.stream().map(r -> r.getTeachers(0).getAnalysisText()).toList();
  }
}
