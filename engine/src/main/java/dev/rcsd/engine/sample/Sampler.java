package dev.rcsd.engine.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.engine.model.AttentionMask;
import dev.rcsd.engine.model.KvCache;
import dev.rcsd.engine.model.PolicyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation. Prompts are left-padded to the longest, run once (prefill), and then each
 * step feeds one new token per sequence through the {@link KvCache}; finished sequences keep
 * stepping with a padding token whose output is ignored until every sequence is done.
 *
 * <pre>
 *   row b:  [pad .. pad | prompt_b | new tokens ...]     positions 0.. inside the prompt and beyond
 * </pre>
 *
 * Each sequence draws from its own random stream (seed, index), so completions are reproducible;
 * a batch that is part of a larger one names the index of its first sequence, and its sequences
 * draw the streams they would draw in the larger batch.
 */
public final class Sampler {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private final PolicyModel model;

  public Sampler(PolicyModel model) {
    this.model = model;
  }

  /** Generates with the KV cache. */
  public List<Completion> generate(List<int[]> prompts, SamplingSettings settings) {
    return generate(prompts, settings, 0);
  }

  /** Generates with the KV cache; sequence b draws random stream {@code firstStream + b}. */
  public List<Completion> generate(List<int[]> prompts, SamplingSettings settings, long firstStream) {
    return run(prompts, settings, true, firstStream);
  }

  /** Generates recomputing the whole prefix at every step: the baseline the cache is measured against. */
  public List<Completion> generateWithoutCache(List<int[]> prompts, SamplingSettings settings) {
    return run(prompts, settings, false, 0);
  }

  private List<Completion> run(List<int[]> prompts, SamplingSettings s, boolean cached, long firstStream) {
    int batch = prompts.size();
    int vocab = model.config().vocabSize();
    int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
    if (longest == 0) {
      throw new IllegalArgumentException("a prompt must hold at least one token");
    }
    int capacity = longest + s.maxNewTokens();
    long[] ids = new long[batch * capacity]; // [B, capacity]
    long[] pos = new long[batch * capacity]; // [B, capacity]
    boolean[][] valid = new boolean[batch][capacity];
    for (int b = 0; b < batch; b++) {
      int[] p = prompts.get(b);
      int pad = longest - p.length;
      for (int j = 0; j < capacity; j++) {
        pos[b * capacity + j] = Math.max(0, j - pad);
      }
      for (int j = 0; j < p.length; j++) {
        if (p[j] < 0 || p[j] >= vocab) {
          throw new IllegalArgumentException("prompt " + b + " holds token " + p[j] + " outside the vocabulary");
        }
        ids[b * capacity + pad + j] = p[j];
        valid[b][pad + j] = true;
      }
    }
    List<List<Integer>> tokens = new ArrayList<>();
    List<List<Float>> logprobs = new ArrayList<>();
    SplittableRandom[] rnd = new SplittableRandom[batch];
    for (int b = 0; b < batch; b++) {
      tokens.add(new ArrayList<>());
      logprobs.add(new ArrayList<>());
      rnd[b] = new SplittableRandom(s.seed() ^ (firstStream + b + 1) * GOLDEN);
    }
    boolean[] finished = new boolean[batch];
    TokenSampler sampler = new TokenSampler(s);
    try (NDManager nd = model.manager().newSubManager();
        KvCache cache = cached ? model.block().newCache(nd, batch, capacity) : null) {
      float[] last = step(nd, ids, pos, valid, capacity, 0, longest, cache);
      for (int t = 0; t < s.maxNewTokens(); t++) {
        int col = longest + t;
        boolean all = true;
        for (int b = 0; b < batch; b++) {
          if (finished[b]) {
            continue;
          }
          int token = sampler.sample(last, b * vocab, vocab, rnd[b]);
          tokens.get(b).add(token);
          logprobs.get(b).add(sampler.lastLogprob);
          finished[b] = s.stopTokens().contains(token);
          all &= finished[b];
          ids[b * capacity + col] = token;
        }
        if (all || t == s.maxNewTokens() - 1) {
          break;
        }
        for (int b = 0; b < batch; b++) {
          valid[b][col] = true;
        }
        last = cached ? step(nd, ids, pos, valid, capacity, col, col + 1, cache)
            : step(nd, ids, pos, valid, capacity, 0, col + 1, null);
      }
    }
    List<Completion> out = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      int[] tk = tokens.get(b).stream().mapToInt(Integer::intValue).toArray();
      float[] lp = new float[tk.length];
      for (int i = 0; i < lp.length; i++) {
        lp[i] = logprobs.get(b).get(i);
      }
      out.add(new Completion(tk, lp, finished[b]));
    }
    return out;
  }

  /**
   * Runs columns [from, to) of every row (attending to [0, to) through the cache, or directly when
   * there is none) and returns the logits of column to - 1, [B, V].
   */
  private float[] step(NDManager nd, long[] ids, long[] pos, boolean[][] valid, int capacity, int from, int to,
      KvCache cache) {
    int batch = valid.length;
    int width = to - from;
    long[] stepIds = new long[batch * width];
    long[] stepPos = new long[batch * width];
    boolean[][] keys = new boolean[batch][];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(ids, b * capacity + from, stepIds, b * width, width);
      System.arraycopy(pos, b * capacity + from, stepPos, b * width, width);
      keys[b] = Arrays.copyOf(valid[b], to);
    }
    try (NDScope scope = new NDScope()) {
      NDArray logits = model.block().logits(nd.create(stepIds, new Shape(batch, width)),
          nd.create(stepPos, new Shape(batch, width)), AttentionMask.causal(nd, keys, from, width), cache);
      return logits.get(":, -1, :").toFloatArray();
    }
  }
}
