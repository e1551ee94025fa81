package dev.rcsd.engine.sft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rcsd.engine.model.AttentionMask;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.model.Scalars;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.Autograd;
import dev.rcsd.engine.train.AdamWSettings;
import dev.rcsd.engine.train.LearningRate;
import dev.rcsd.engine.train.NonFiniteException;
import dev.rcsd.engine.train.TokenBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Supervised warm-up: next-token cross-entropy on completion tokens (prompts are context only),
 * AdamW, a learning-rate schedule. Examples are shuffled every pass and grouped by length within
 * windows of 32 batches, so that padding stays small without losing randomness.
 */
public final class SftTrainer {
  /** @param steps optimizer steps; @param batchSize sequences per step */
  public record Settings(int steps, int batchSize, LearningRate lr, AdamWSettings adam, long seed) {}

  /** Called after every step. */
  @FunctionalInterface
  public interface Progress {
    void step(int step, double loss, double lr, double tokensPerSecond);
  }

  private SftTrainer() {}

  public static void train(PolicyModel model, List<TokenBatch.Sequence> examples, Settings s, Progress progress) {
    SplittableRandom rnd = new SplittableRandom(s.seed());
    Engine.getInstance().setRandomSeed((int) s.seed());
    List<List<TokenBatch.Sequence>> queue = new ArrayList<>();
    try (AdamW opt = new AdamW(model.block(), model.manager(), s.adam())) {
      for (int step = 0; step < s.steps(); step++) {
        if (queue.isEmpty()) {
          queue = batches(examples, s.batchSize(), rnd);
        }
        TokenBatch batch = TokenBatch.of(queue.remove(queue.size() - 1));
        long start = System.nanoTime();
        double loss = crossEntropyBackward(model, batch);
        double lr = s.lr().at(step);
        opt.step(lr);
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.step(step, loss, lr, batch.rows * batch.width / seconds);
      }
    }
  }

  /** One pass over the examples in random order, cut into batches of similar lengths. */
  static List<List<TokenBatch.Sequence>> batches(List<TokenBatch.Sequence> examples, int size, SplittableRandom rnd) {
    List<TokenBatch.Sequence> order = new ArrayList<>(examples);
    for (int i = order.size() - 1; i > 0; i--) {
      java.util.Collections.swap(order, i, rnd.nextInt(i + 1));
    }
    List<List<TokenBatch.Sequence>> out = new ArrayList<>();
    int window = size * 32;
    for (int w = 0; w < order.size(); w += window) {
      List<TokenBatch.Sequence> chunk = new ArrayList<>(order.subList(w, Math.min(order.size(), w + window)));
      chunk.sort(Comparator.comparingInt(TokenBatch.Sequence::length));
      for (int b = 0; b + size <= chunk.size(); b += size) {
        out.add(chunk.subList(b, b + size));
      }
    }
    java.util.Collections.shuffle(out, new java.util.Random(rnd.nextLong()));
    return out;
  }

  /** Mean cross-entropy over the batch's targets, back-propagated into the parameters' gradients. */
  public static double crossEntropyBackward(PolicyModel model, TokenBatch b) {
    NDManager nd = model.manager();
    long[] targets = new long[b.targets.length];
    float[] weight = new float[b.targets.length];
    int count = 0;
    for (int i = 0; i < targets.length; i++) {
      if (b.targets[i] >= 0) {
        targets[i] = b.targets[i];
        weight[i] = 1;
        count++;
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("a batch without completion tokens");
    }
    try (NDScope scope = new NDScope(); GradientCollector gc = Autograd.collector()) {
      NDArray logits = model.block().logits(nd.create(b.tokens, new Shape(b.rows, b.width)),
          nd.create(b.positions, new Shape(b.rows, b.width)), AttentionMask.causal(nd, b.valid, 0, b.width), null);
      NDArray logp = logits.logSoftmax(-1).gather(nd.create(targets, new Shape(b.rows, b.width, 1)), 2).squeeze(2);
      NDArray loss = logp.mul(nd.create(weight, new Shape(b.rows, b.width))).sum().neg().div(Scalars.of(logp, count));
      float value = loss.getFloat();
      if (!Float.isFinite(value)) {
        throw new NonFiniteException("SFT loss is " + value);
      }
      gc.backward(loss);
      return value;
    }
  }
}
