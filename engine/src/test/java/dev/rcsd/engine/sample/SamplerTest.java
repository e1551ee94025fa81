package dev.rcsd.engine.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamplerTest {
  private static final ModelConfig CONFIG = new ModelConfig("qwen3", 29, 32, 64, 2, 4, 2, 8, 10000.0, 1e-6, true, false,
      true, 256, 1, 2);
  private static final List<int[]> PROMPTS = List.of(new int[] {1, 5, 7, 3}, new int[] {1, 20}, new int[] {1, 9, 9, 9, 4, 11});
  private PolicyModel model;
  private Sampler sampler;

  /** Random weights with enough spread that the next-token distributions are far from uniform. */
  @BeforeAll
  void model() {
    model = PolicyModel.random(CONFIG, 17);
    SplittableRandom rnd = new SplittableRandom(3);
    for (Map.Entry<String, Parameter> e : model.block().namedParameters().entrySet()) {
      NDArray a = e.getValue().getArray();
      float[] v = new float[(int) a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = e.getKey().endsWith("norm.weight") ? 1f : (float) ((rnd.nextDouble() - 0.5) * 1.2);
      }
      a.set(FloatBuffer.wrap(v));
    }
    sampler = new Sampler(model);
  }

  @AfterAll
  void close() {
    model.close();
  }

  private static SamplingSettings settings(float t, int topK, float topP, int max, long seed) {
    return new SamplingSettings(t, topK, topP, max, Set.of(), seed);
  }

  @Test
  void theSameSeedGivesTheSameCompletions() {
    SamplingSettings s = settings(1f, 0, 1f, 12, 42);
    List<Completion> a = sampler.generate(PROMPTS, s);
    List<Completion> b = sampler.generate(PROMPTS, s);
    List<Completion> c = sampler.generate(PROMPTS, s.withSeed(43));
    boolean anyDifferent = false;
    for (int i = 0; i < PROMPTS.size(); i++) {
      assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
      assertArrayEquals(a.get(i).logprobs(), b.get(i).logprobs());
      anyDifferent |= !java.util.Arrays.equals(a.get(i).tokens(), c.get(i).tokens());
    }
    assertTrue(anyDifferent, "another seed should give other completions");
  }

  @Test
  void theCacheChangesNothing() {
    SamplingSettings greedy = settings(0f, 0, 1f, 10, 1);
    List<Completion> cached = sampler.generate(PROMPTS, greedy);
    List<Completion> full = sampler.generateWithoutCache(PROMPTS, greedy);
    for (int i = 0; i < PROMPTS.size(); i++) {
      assertArrayEquals(full.get(i).tokens(), cached.get(i).tokens());
      for (int j = 0; j < full.get(i).logprobs().length; j++) {
        assertEquals(full.get(i).logprobs()[j], cached.get(i).logprobs()[j], 1e-4);
      }
    }
  }

  /** Left padding in a batch must not change any sequence: each prompt alone gives the same. */
  @Test
  void aBatchEqualsItsPromptsOneByOne() {
    SamplingSettings greedy = settings(0f, 0, 1f, 8, 1);
    List<Completion> batch = sampler.generate(PROMPTS, greedy);
    for (int i = 0; i < PROMPTS.size(); i++) {
      Completion alone = sampler.generate(List.of(PROMPTS.get(i)), greedy).get(0);
      assertArrayEquals(alone.tokens(), batch.get(i).tokens(), "prompt " + i);
    }
  }

  /** The reported log-probs are log softmax(z / T)[token] of the model over the full vocabulary. */
  @Test
  void logprobsAreTheModelsAtTheSamplingTemperature() {
    float t = 0.7f;
    List<Completion> out = sampler.generate(PROMPTS, settings(t, 5, 0.9f, 9, 7));
    for (int i = 0; i < PROMPTS.size(); i++) {
      int[] prompt = PROMPTS.get(i);
      Completion c = out.get(i);
      int[] seq = new int[prompt.length + c.tokens().length];
      System.arraycopy(prompt, 0, seq, 0, prompt.length);
      System.arraycopy(c.tokens(), 0, seq, prompt.length, c.tokens().length);
      float[] logits = model.logits(seq);
      int v = CONFIG.vocabSize();
      for (int j = 0; j < c.tokens().length; j++) {
        int row = (prompt.length - 1 + j) * v;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          max = Math.max(max, logits[row + k] / t);
        }
        double sum = 0;
        for (int k = 0; k < v; k++) {
          sum += Math.exp(logits[row + k] / t - max);
        }
        double want = logits[row + c.tokens()[j]] / t - max - Math.log(sum);
        assertEquals(want, c.logprobs()[j], 2e-4, "prompt " + i + ", token " + j);
      }
    }
  }

  @Test
  void topKOfOneIsGreedy() {
    List<Completion> greedy = sampler.generate(PROMPTS, settings(0f, 0, 1f, 6, 1));
    List<Completion> top1 = sampler.generate(PROMPTS, settings(1.3f, 1, 1f, 6, 99));
    for (int i = 0; i < PROMPTS.size(); i++) {
      assertArrayEquals(greedy.get(i).tokens(), top1.get(i).tokens());
    }
  }

  @Test
  void aStopTokenEndsItsSequenceOnly() {
    List<Completion> free = sampler.generate(PROMPTS, settings(0f, 0, 1f, 10, 1));
    int stop = free.get(0).tokens()[2];
    List<Completion> stopped = sampler.generate(PROMPTS, new SamplingSettings(0f, 0, 1f, 10, Set.of(stop), 1));
    Completion first = stopped.get(0);
    int at = 0;
    while (free.get(0).tokens()[at] != stop) {
      at++;
    }
    assertEquals(at + 1, first.tokens().length, "the stop token ends the completion and is kept");
    assertTrue(first.finished());
    for (int i = 0; i < PROMPTS.size(); i++) {
      Completion c = stopped.get(i);
      boolean hasStop = java.util.Arrays.stream(c.tokens()).anyMatch(x -> x == stop);
      assertEquals(hasStop, c.finished());
      if (!hasStop) {
        assertEquals(10, c.tokens().length);
        assertFalse(c.finished());
      }
    }
  }
}
