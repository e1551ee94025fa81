package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.ParameterStore;
import dev.rcsd.engine.model.Lora;
import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chunked update (logits of a chunk of rows at a time from the hidden states, gradients of the
 * hidden states and the head) against the full-logits path it replaced: the same loss, statistics
 * and parameter gradients for every method and mode, tied and untied heads, LoRA, and chunks of 1,
 * 7 and all rows, and forward passes of two sequences at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChunkedUpdateTest {
  static final int V = MethodsTest.V;
  KernelBackend kernels;

  @BeforeAll
  void open() {
    kernels = Backends.open("simd", BackendOptions.DEFAULTS);
  }

  @AfterAll
  void close() {
    kernels.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    List<Map<String, Object>> variants = List.of(
        Map.of("method", "grpo"),
        Map.of("method", "grpo", "grpo", Map.of("aggregation", "dr_grpo"), "loss", Map.of("kl_coef", 0.1)),
        Map.of("method", "opsd"),
        Map.of("method", "opsd", "opsd", Map.of("mode", "topk", "top_k", 7)),
        Map.of("method", "opsd", "opsd", Map.of("mode", "token")),
        Map.of("method", "opsd", "opsd", Map.of("mode", "released")),
        Map.of("method", "rcsd"),
        Map.of("method", "rcsd-criteria", "criteria", Map.of("outcome_mix", 0.5)));
    for (Map<String, Object> v : variants) {
      for (boolean tied : new boolean[] {true, false}) {
        out.add(Arguments.of(v, tied, false));
      }
    }
    out.add(Arguments.of(Map.of("method", "rcsd"), true, true));
    return out.stream();
  }

  @ParameterizedTest(name = "{0} tied={1} lora={2}")
  @MethodSource("cases")
  void chunkedEqualsTheFullLogitsPath(Map<String, Object> variant, boolean tied, boolean lora) {
    String method = (String) variant.get("method");
    List<Rollout> rollouts = rollouts(method);
    Step full = step(variant, Map.of("path", "full-logits"), tied, lora, rollouts);
    int rows = rollouts.stream().mapToInt(Rollout::getCompletionTokensCount).sum();
    for (int chunk : new int[] {1, 7, rows, -2}) { // -2: chunks of 7 rows, forward passes of 2 sequences
      Step chunked = step(variant, chunk > 0 ? Map.of("path", "chunked", "chunk_rows", chunk)
          : Map.of("path", "chunked", "chunk_rows", 7, "micro_batch", 2), tied, lora, rollouts);
      String at = variant + (chunk > 0 ? " chunk " + chunk : " micro-batches of 2") + ": ";
      assertEquals(full.stats.loss, chunked.stats.loss, 1e-6 * Math.max(1, Math.abs(full.stats.loss)), at + "loss");
      assertEquals(full.stats.kl, chunked.stats.kl, 1e-6 * Math.max(1, Math.abs(full.stats.kl)), at + "kl");
      assertEquals(full.stats.teacherDivergence, chunked.stats.teacherDivergence, 1e-6, at + "divergence");
      assertEquals(full.grads.keySet(), chunked.grads.keySet());
      for (var e : full.grads.entrySet()) {
        float[] want = e.getValue();
        float[] got = chunked.grads.get(e.getKey());
        double scale = 0;
        for (float x : want) {
          scale = Math.max(scale, Math.abs(x));
        }
        assertTrue(scale > 0 || e.getKey().contains("lora_A"), at + e.getKey() + " has no gradient at all");
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got[i], 2e-5 * scale + 1e-9, at + e.getKey() + "[" + i + "]");
        }
      }
    }
  }

  /**
   * A teacher kept as hidden states (H floats per token) gives the update exactly what the same
   * teacher kept as V log-probabilities gives: logits through the frozen head, chunk by chunk.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("wholeDistributionModes")
  void teacherHiddenStatesStandForTheWholeDistribution(String mode) {
    ModelConfig config = new ModelConfig("qwen3", V, 16, 32, 1, 2, 1, 8, 10000.0, 1e-6, false, false, true, 64, 1, 2);
    try (PolicyModel frozen = PolicyModel.random(config, 31)) {
      TeacherHead head = TeacherHead.of(frozen);
      float[] w = frozen.block().head().toFloatArray();
      SplittableRandom rnd = new SplittableRandom(32);
      List<Rollout> asHidden = new ArrayList<>();
      List<Rollout> asLogprobs = new ArrayList<>();
      for (Rollout r : rollouts("opsd")) {
        int length = r.getCompletionTokensCount();
        var hidden = dev.rcsd.io.proto.TeacherScores.newBuilder().setContext("reference").setHiddenSize(16);
        var logprobs = dev.rcsd.io.proto.TeacherScores.newBuilder().setContext("reference").setTopK(V);
        for (int t = 0; t < length; t++) {
          float[] h = new float[16];
          for (int i = 0; i < 16; i++) {
            h[i] = (float) rnd.nextGaussian();
            hidden.addHiddenStates(h[i]);
          }
          double[] z = new double[V];
          double max = Double.NEGATIVE_INFINITY;
          for (int v = 0; v < V; v++) {
            for (int i = 0; i < 16; i++) {
              z[v] += (double) h[i] * w[v * 16 + i];
            }
            max = Math.max(max, z[v]);
          }
          double sum = 0;
          for (double x : z) {
            sum += Math.exp(x - max);
          }
          for (int v = 0; v < V; v++) {
            logprobs.addTopIds(v).addTopLogprobs((float) (z[v] - max - Math.log(sum)));
          }
          float token = logprobs.getTopLogprobs(t * V + r.getCompletionTokens(t));
          hidden.addTokenLogprobs(token);
          logprobs.addTokenLogprobs(token);
        }
        asHidden.add(r.toBuilder().clearTeachers().addTeachers(hidden).build());
        asLogprobs.add(r.toBuilder().clearTeachers().addTeachers(logprobs).build());
      }
      Map<String, Object> variant = Map.of("method", "opsd", "opsd", Map.of("mode", mode));
      Step want = step(variant, Map.of("path", "full-logits"), true, false, asLogprobs);
      Step got = step(variant, Map.of("path", "chunked", "chunk_rows", 7), true, false, asHidden, head);
      assertEquals(want.stats.loss, got.stats.loss, 1e-5 * Math.max(1, Math.abs(want.stats.loss)));
      assertEquals(want.stats.teacherDivergence, got.stats.teacherDivergence, 1e-5);
      for (var e : want.grads.entrySet()) {
        float[] a = e.getValue();
        float[] b = got.grads.get(e.getKey());
        double scale = 0;
        for (float x : a) {
          scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], 1e-4 * scale + 1e-9, e.getKey() + "[" + i + "]");
        }
      }
      IllegalArgumentException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> step(variant, Map.of("path", "chunked"), true, false, asHidden, null));
      assertTrue(none.getMessage().contains("no frozen head"), none.getMessage());
    }
  }

  static Stream<String> wholeDistributionModes() {
    return Stream.of("full", "topk", "token");
  }

  record Step(StepStats.Builder stats, Map<String, float[]> grads) {}

  Step step(Map<String, Object> variant, Map<String, Object> update, boolean tied, boolean lora,
      List<Rollout> rollouts) {
    return step(variant, update, tied, lora, rollouts, null);
  }

  Step step(Map<String, Object> variant, Map<String, Object> update, boolean tied, boolean lora,
      List<Rollout> rollouts, TeacherHead head) {
    Map<String, Object> json = new LinkedHashMap<>(variant);
    json.put("update", update);
    json.put("init", "unused");
    if (lora) {
      json.put("lora", Map.of("rank", 2, "alpha", 4));
    }
    RunConfig c;
    try {
      c = RunConfig.resolve(null, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ModelConfig config = new ModelConfig("qwen3", V, 16, 32, 2, 2, 1, 8, 10000.0, 1e-6, tied, false, true, 64, 1, 2);
    try (PolicyModel base = PolicyModel.random(config, 11);
        PolicyModel m = lora ? base.withAdapters(new Lora(2, 4, List.of("q_proj", "v_proj")), 12) : base.copy()) {
      if (lora) { // B starts at 0: give the adapters weights so that every gradient flows
        for (var p : m.block().trainableParameters().values()) {
          p.getArray().addi(m.manager().randomNormal(0, 0.1f, p.getArray().getShape(),
              p.getArray().getDataType()));
        }
      }
      StepStats.Builder stats = new StepStats.Builder();
      UpdateStage.backward(m, kernels, rollouts, Method.of(c.method()), c, head, stats);
      Map<String, float[]> grads = new LinkedHashMap<>();
      m.block().trainableParameters().forEach((name, p) -> grads.put(name, p.getArray().getGradient().toFloatArray()));
      return new Step(stats, grads);
    }
  }

  /** Rollouts of unequal prompts and completions (one empty), with teachers as the method needs. */
  static List<Rollout> rollouts(String method) {
    SplittableRandom rnd = new SplittableRandom(21);
    int[] lengths = {5, 9, 0, 4, 6};
    int contexts = method.equals("grpo") ? 0 : 1;
    List<Rollout> out = new ArrayList<>();
    for (int r = 0; r < lengths.length; r++) {
      Rollout x = method.equals("rcsd-criteria")
          ? MethodsTest.rollout(rnd, r / 2, r % 2, lengths[r], 3, 12, 3, 1, -2)
          : MethodsTest.rollout(rnd, r / 2, r % 2, lengths[r], contexts, r % 2 == 0 ? V : 20);
      Rollout.Builder b = x.toBuilder();
      for (int i = 0; i < r; i++) {
        b.addPromptTokens(2 + rnd.nextInt(V - 2));
      }
      for (int i = 0; i < lengths[r]; i++) {
        b.addReferenceLogprobs((float) -rnd.nextDouble(3));
      }
      out.add(b.build());
    }
    return out;
  }
}
