package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.io.proto.Criterion;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.Rubric;
import dev.rcsd.io.proto.TeacherScores;
import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.LossBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The methods' losses against the kernels they are defined by, on hand-made rollouts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MethodsTest {
  static final int V = 40;
  KernelBackend kernels;

  @BeforeAll
  void open() {
    kernels = Backends.open("reference", BackendOptions.DEFAULTS);
  }

  @AfterAll
  void close() {
    kernels.close();
  }

  /** Log-probabilities of a random distribution over V (what the score stage stores). */
  static float[] logprobs(SplittableRandom rnd) {
    double[] z = new double[V];
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < V; v++) {
      z[v] = rnd.nextGaussian() * 2;
      max = Math.max(max, z[v]);
    }
    double sum = 0;
    for (double x : z) {
      sum += Math.exp(x - max);
    }
    float[] out = new float[V];
    for (int v = 0; v < V; v++) {
      out[v] = (float) (z[v] - max - Math.log(sum));
    }
    return out;
  }

  /** A rollout of {@code length} tokens with teachers kept at top-{@code k} (k = V: everything). */
  static Rollout rollout(SplittableRandom rnd, long group, float reward, int length, int contexts, int k, int... weights) {
    Rollout.Builder r = Rollout.newBuilder().setGroupId(group).setReward(reward).addPromptTokens(1);
    for (int i = 0; i < length; i++) {
      r.addCompletionTokens(rnd.nextInt(V)).addSamplingLogprobs((float) -rnd.nextDouble(3));
    }
    for (int c = 0; c < contexts; c++) {
      TeacherScores.Builder t = TeacherScores.newBuilder().setContext("criterion:" + c).setTopK(k);
      for (int i = 0; i < length; i++) {
        t.addTokenLogprobs(0f);
        float[] row = logprobs(rnd);
        Integer[] order = new Integer[V];
        for (int v = 0; v < V; v++) {
          order[v] = v;
        }
        Arrays.sort(order, (a, b) -> Float.compare(row[b], row[a]));
        for (int j = 0; j < k; j++) {
          t.addTopIds(order[j]).addTopLogprobs(row[order[j]]);
        }
      }
      r.addTeachers(t);
    }
    Rubric.Builder rubric = Rubric.newBuilder();
    for (int w : weights) {
      rubric.addCriteria(Criterion.newBuilder().setTitle("c").setWeight(w));
    }
    return r.setRubric(rubric).build();
  }

  static float[] student(SplittableRandom rnd, int rows) {
    float[] s = new float[rows * V];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) rnd.nextGaussian();
    }
    return s;
  }

  static UpdateRows rows(List<Rollout> rs, boolean scale) {
    return new UpdateRows(rs, V, UpdateStage.advantages(rs, scale));
  }

  /** The method's loss over every row of the rollouts as one block. */
  double loss(Method m, List<Rollout> rs, float[] student, RunConfig c, float[] grad) {
    return UpdateStage.wholeLoss(m, kernels, rows(rs, true), student, c, grad);
  }

  static int tokens(List<Rollout> rs) {
    return rs.stream().mapToInt(Rollout::getCompletionTokensCount).sum();
  }

  @Test
  void groupAdvantagesAreNormalisedWithinEachGroupAndDrGrpoDropsTheStd() {
    SplittableRandom rnd = new SplittableRandom(1);
    List<Rollout> rs = List.of(rollout(rnd, 0, 1, 2, 0, V), rollout(rnd, 0, 0, 2, 0, V), rollout(rnd, 0, 1, 2, 0, V),
        rollout(rnd, 0, 0, 2, 0, V), rollout(rnd, 1, 1, 2, 0, V), rollout(rnd, 1, 1, 2, 0, V));
    float[] scaled = UpdateStage.advantages(rs, true);
    assertEquals(0.5 / (0.5 + 1e-4), scaled[0], 1e-6);
    assertEquals(-0.5 / (0.5 + 1e-4), scaled[1], 1e-6);
    assertEquals(0f, scaled[4], "a group that agrees has no signal");
    float[] plain = UpdateStage.advantages(rs, false);
    assertArrayEquals(new float[] {0.5f, -0.5f, 0.5f, -0.5f, 0f, 0f}, plain);
  }

  @Test
  void grpoAggregationsWeighTokensSequencesAndTheLengthBudget() {
    SplittableRandom rnd = new SplittableRandom(2);
    List<Rollout> rs = List.of(rollout(rnd, 0, 1, 3, 0, V), rollout(rnd, 0, 0, 7, 0, V));
    float[] student = student(rnd, tokens(rs));
    Map<String, Double> loss = new java.util.HashMap<>();
    for (String aggregation : List.of("token-mean", "seq-mean-token-mean", "dr_grpo")) {
      RunConfig c = TinyRuns.resolve("grpo", 1, Map.of("grpo", Map.of("aggregation", aggregation)));
      loss.put(aggregation, loss(new GrpoMethod(), rs, student, c, new float[student.length]));
    }
    // per-token losses l_n from the kernel itself, one rollout at a time (token mean over each)
    RunConfig c = TinyRuns.resolve("grpo", 1, Map.of());
    float[] adv = UpdateStage.advantages(rs, true);
    double[] perSequence = new double[2];
    for (int r = 0; r < 2; r++) {
      UpdateRows one = new UpdateRows(List.of(rs.get(r)), V, new float[] {adv[r]});
      float[] own = Arrays.copyOfRange(student, r == 0 ? 0 : 3 * V, r == 0 ? 3 * V : 10 * V);
      perSequence[r] = UpdateStage.wholeLoss(new GrpoMethod(), kernels, one, own, c, new float[one.rows * V]);
    }
    assertEquals((3 * perSequence[0] + 7 * perSequence[1]) / 10, loss.get("token-mean"), 1e-6);
    assertEquals((perSequence[0] + perSequence[1]) / 2, loss.get("seq-mean-token-mean"), 1e-6);
    int maxNew = c.sampling().maxNewTokens();
    assertEquals((3 * perSequence[0] + 7 * perSequence[1]) / (2.0 * maxNew), loss.get("dr_grpo"), 1e-6);
  }

  /** The default teacher_top_k of RCSD (its loss's k) loses nothing: the loss sees only the top-k anyway. */
  @Test
  void rcsdOnTheStoredTopKEqualsRcsdOnTheWholeTeacherDistribution() {
    RunConfig c = TinyRuns.resolve("rcsd", 1, Map.of());
    int k = c.loss().topK();
    assertEquals(k, c.teacherTopK());
    SplittableRandom a = new SplittableRandom(3);
    SplittableRandom b = new SplittableRandom(3);
    List<Rollout> whole = List.of(rollout(a, 0, 0, 5, 1, V), rollout(a, 1, 0, 4, 1, V));
    List<Rollout> kept = List.of(rollout(b, 0, 0, 5, 1, k), rollout(b, 1, 0, 4, 1, k));
    float[] student = student(new SplittableRandom(4), 9);
    float[] g1 = new float[9 * V];
    float[] g2 = new float[9 * V];
    double l1 = loss(new RcsdMethod(), whole, student, c, g1);
    double l2 = loss(new RcsdMethod(), kept, student, c, g2);
    assertEquals(l1, l2, 1e-7);
    for (int i = 0; i < g1.length; i++) {
      assertEquals(g1[i], g2[i], 1e-7, "grad[" + i + "]");
    }
  }

  /** The shipped configuration of the released recipe resolves to what it says. */
  @Test
  void theReleasedConfigurationResolves() throws java.io.IOException {
    RunConfig c = RunConfig.resolve(null, java.nio.file.Files.readString(java.nio.file.Path.of("..", "configs",
        "rcsd-released.json")));
    assertEquals("rcsd", c.method());
    assertEquals(RunConfig.SEQ_MEAN_TOKEN_MEAN, c.reduction());
    assertEquals(new dev.rcsd.engine.model.Lora(16, 32, List.of("q_proj", "v_proj")), c.lora().adapters());
    assertEquals(1.2f, c.sampling().temperature());
    assertEquals(c.sampling().temperature(), c.loss().temperature(), "loss at the sampling temperature");
    assertEquals(5e-6, c.optimizer().learningRate());
    assertTrue(c.reasonFirst().enabled());
    RunConfig o = RunConfig.resolve(null, java.nio.file.Files.readString(java.nio.file.Path.of("..", "configs",
        "opsd-released.json")));
    assertEquals("released", o.opsd().mode());
    assertTrue(o.reasonFirst().enabled());
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("..", "configs", "ablations"))) {
      for (java.nio.file.Path f : files.toList()) { // every ablation resolves, and names its method
        RunConfig a = RunConfig.resolve(null, java.nio.file.Files.readString(f));
        assertTrue(RunConfig.METHODS.contains(a.method()), f.toString());
      }
    }
    // the released OPSD baseline is the released RCSD recipe with the reference teacher
    assertEquals(List.of(c.sampling(), c.loss(), c.reduction(), c.lora(), c.optimizer(), c.teacherTopK(),
        c.reasonFirst()), List.of(o.sampling(), o.loss(), o.reduction(), o.lora(), o.optimizer(), o.teacherTopK(),
        o.reasonFirst()));
  }

  @Test
  void chatTemplateVariablesAreTheUsersOwnKeysLayerOverLayer() {
    RunConfig c = RunConfig.resolve("grpo", List.of("{\"chat_template_variables\": {\"enable_thinking\": false}}",
        "{\"chat_template_variables\": {\"tools\": [\"calc\"]}}"), Map.of());
    assertEquals(Map.of("enable_thinking", false, "tools", List.of("calc")), c.chatTemplateVariables());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunConfig.resolve("grpo", "{\"chat_template_variables\": true}"));
    assertTrue(e.getMessage().contains("'chat_template_variables' must be a JSON object"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RunConfig.resolve("grpo", "{\"sampling\": {\"tmp\": 1}}"));
    assertTrue(e.getMessage().contains("unknown configuration field 'sampling.tmp'"), e.getMessage());
  }

  /** seq-mean-token-mean: the mean over sequences of the loss each sequence has alone. */
  @Test
  void theSequenceMeanReductionAveragesEachSequencesOwnTokenMean() {
    RunConfig seq = TinyRuns.resolve("rcsd", 1, Map.of("reduction", "seq-mean-token-mean"));
    RunConfig tok = TinyRuns.resolve("rcsd", 1, Map.of("reduction", "token-mean"));
    assertEquals(RunConfig.SEQ_MEAN_TOKEN_MEAN, TinyRuns.resolve("rcsd", 1, Map.of()).reduction()); // as released
    SplittableRandom rnd = new SplittableRandom(12);
    List<Rollout> rs = List.of(rollout(rnd, 0, 0, 2, 1, V), rollout(rnd, 1, 0, 7, 1, V), rollout(rnd, 2, 0, 3, 1, V));
    float[] student = student(new SplittableRandom(13), 12);
    double pooled = loss(new RcsdMethod(), rs, student, seq, new float[12 * V]);
    double alone = 0;
    int at = 0;
    for (Rollout r : rs) {
      int n = r.getCompletionTokensCount();
      float[] own = Arrays.copyOfRange(student, at * V, (at + n) * V);
      alone += loss(new RcsdMethod(), List.of(r), own, tok, new float[n * V]) / rs.size();
      at += n;
    }
    assertEquals(alone, pooled, 1e-6);
    double tokenMean = loss(new RcsdMethod(), rs, student, tok, new float[12 * V]);
    assertTrue(Math.abs(tokenMean - pooled) > 1e-4, "the two reductions differ on unequal lengths");
    assertThrows(IllegalArgumentException.class, () -> TinyRuns.resolve("rcsd", 1, Map.of("reduction", "mean")));
  }

  /** The authors' OPSD baseline is RCSD's loss, with whatever teacher the rollout holds (the reference's). */
  @Test
  void releasedOpsdIsTheRcsdLossOnTheReferenceTeacher() {
    RunConfig opsd = TinyRuns.resolve("opsd", 1, Map.of("opsd", Map.of("mode", "released"),
        "reduction", "seq-mean-token-mean"));
    RunConfig rcsd = TinyRuns.resolve("rcsd", 1, Map.of("loss", Map.of("temperature", opsd.loss().temperature())));
    SplittableRandom rnd = new SplittableRandom(8);
    List<Rollout> rs = List.of(rollout(rnd, 0, 0, 4, 1, V), rollout(rnd, 1, 0, 6, 1, V));
    float[] student = student(new SplittableRandom(9), 10);
    float[] g1 = new float[10 * V];
    float[] g2 = new float[10 * V];
    double l1 = loss(new OpsdMethod(), rs, student, opsd, g1);
    double l2 = loss(new RcsdMethod(), rs, student, rcsd, g2);
    assertEquals(l2, l1, 0.0);
    assertArrayEquals(g2, g1);
    assertThrows(IllegalArgumentException.class,
        () -> TinyRuns.resolve("opsd", 1, Map.of("opsd", Map.of("mode", "releasd"))));
  }

  /** rcsd-criteria: each rollout's own rubric, weights |w| / sum |w| (a pitfall's -1 counts as 1), token means pooled. */
  @Test
  void rcsdCriteriaWeighsEachRolloutsTeachersByItsNormalisedRubric() {
    SplittableRandom rnd = new SplittableRandom(5);
    List<Rollout> rs = List.of(rollout(rnd, 0, 0, 3, 2, V, 3, -1), rollout(rnd, 1, 0, 5, 3, V, 2, 2, 4));
    float[] student = student(rnd, 8);
    RunConfig c = TinyRuns.resolve("rcsd-criteria", 1, Map.of());
    float[] grad = new float[8 * V];
    double loss = loss(new RcsdCriteriaMethod(), rs, student, c, grad);

    UpdateRows all = rows(rs, true);
    UpdateRows.Block whole = all.block(0, all.rows, student);
    float[][] weights = {{0.75f, 0.25f}, {0.25f, 0.25f, 0.5f}};
    double expected = 0;
    float[] expectedGrad = new float[8 * V];
    for (int r = 0; r < 2; r++) {
      int length = rs.get(r).getCompletionTokensCount();
      float[][] teachers = new float[weights[r].length][];
      for (int k = 0; k < teachers.length; k++) {
        teachers[k] = whole.teacher(all.start[r], all.start[r + 1], k);
      }
      float[] mask = new float[length];
      Arrays.fill(mask, 1f);
      LossBatch b = LossBatch.builder(length, V).studentLogits(whole.student(all.start[r], all.start[r + 1])).teacherLogits(teachers)
          .tokens(Arrays.copyOfRange(all.tokens, all.start[r], all.start[r + 1])).mask(mask)
          .criterionWeights(weights[r]).build();
      float[] g = new float[length * V];
      expected += length / 8.0 * kernels.rubricAdvantage().compute(b, c.loss(), null, new float[length], g);
      for (int i = 0; i < g.length; i++) {
        expectedGrad[all.start[r] * V + i] = (float) (length / 8.0 * g[i]);
      }
    }
    assertEquals(expected, loss, 1e-7);
    assertArrayEquals(expectedGrad, grad, 1e-7f);
  }

  /** mask_thinking_tokens: <think> ... </think> weigh 0, and a sequence's token mean counts the rest only. */
  @Test
  void thinkingLeftOutOfTheLossWeighsNothing() {
    int open = 30;
    int close = 31;
    Rollout r = Rollout.newBuilder().setGroupId(0).addPromptTokens(1).addAllCompletionTokens(List.of(5, open, 6, 7,
        close, 8, 9)).addAllSamplingLogprobs(List.of(-1f, -1f, -1f, -1f, -1f, -1f, -1f)).build();
    Rollout unclosed = Rollout.newBuilder().setGroupId(1).addPromptTokens(1).addAllCompletionTokens(List.of(open, 4))
        .addAllSamplingLogprobs(List.of(-1f, -1f)).build();
    UpdateRows rows = new UpdateRows(List.of(r, unclosed), V, new float[2], null, new int[] {open, close});
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 1, 0, 0}, rows.ones());
    float third = 1f / 3;
    assertArrayEquals(new float[] {third, 0, 0, 0, 0, third, third, 0, 0}, rows.mask(RunConfig.SEQ_MEAN_TOKEN_MEAN));
    UpdateRows all = new UpdateRows(List.of(r, unclosed), V, new float[2]);
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, all.ones());
  }

  @Test
  void opsdTopKKeepsTheTeachersKLargestEntriesInBothRows() {
    float[] teacher = {-1f, -3f, -0.5f, -2f, -0.5f};
    float[] student = {1f, 2f, 3f, 4f, 5f};
    OpsdMethod.restrictToTeacherTopK(student, teacher, 1, 5, 3);
    float inf = Float.NEGATIVE_INFINITY;
    assertArrayEquals(new float[] {-1f, inf, -0.5f, inf, -0.5f}, teacher);
    assertArrayEquals(new float[] {1f, inf, 3f, inf, 5f}, student);
  }

  @Test
  void methodsNameTheirTeachers() {
    var p = new dev.rcsd.engine.task.ScienceGenerator().generate(1, 3, 0, 4).train().get(0);
    assertEquals(List.of(), Method.of("grpo").teacherContexts(p));
    assertEquals(List.of("reference"), Method.of("opsd").teacherContexts(p));
    assertEquals(List.of("rubric"), Method.of("rcsd").teacherContexts(p));
    List<String> criteria = new ArrayList<>();
    for (int i = 0; i < p.rubric().criteria().size(); i++) {
      criteria.add("criterion:" + i);
    }
    assertEquals(criteria, Method.of("rcsd-criteria").teacherContexts(p));
    assertThrows(IllegalArgumentException.class, () -> Method.of("ppo"));
  }

  @Test
  void configurationDefaultsFollowThePaperAndEveryMethodSamplesTheSameBudget() {
    RunConfig rcsd = RunConfig.defaults("rcsd");
    assertEquals(20, rcsd.loss().topK());
    assertEquals(0.05f, rcsd.loss().klClip());
    assertEquals(1.2f, rcsd.loss().temperature());
    assertEquals(1, rcsd.samplesPerPrompt());
    assertTrue(RunConfig.METHODS.stream().allMatch(m -> RunConfig.defaults(m).rolloutsPerStep() == 32));
    RunConfig round = RunConfig.fromJson(rcsd.toJson());
    assertEquals(rcsd, round);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunConfig.resolve("grpo", "{\"samples_per_prompt\": 1}"));
    assertTrue(e.getMessage().contains("grpo needs samples_per_prompt >= 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RunConfig.resolve("grpo", "{\"grpo\": {\"agregation\": 1}}"));
    assertTrue(e.getMessage().contains("'grpo.agregation'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RunConfig.resolve("rcsd", "{\"loss\": {\"top_k\": 0}}"));
    assertTrue(e.getMessage().contains("top_k"), e.getMessage());
  }
}
