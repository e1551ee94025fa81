package dev.rcsd.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.rcsd.engine.model.AttentionMask;
import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.model.Scalars;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingHooksTest {
  static final ModelConfig CONFIG = new ModelConfig("qwen3", 37, 32, 48, 2, 4, 2, 8, 10000.0, 1e-6, true, false, true,
      64, 1, 2);
  static final int B = 3;
  static final int T = 6;
  static final long[] TOKENS = {5, 9, 2, 30, 4, 4, 7, 7, 1, 0, 0, 0, 11, 3, 36, 20, 8, 2};
  static final long[] POSITIONS = {0, 1, 2, 3, 4, 5, 0, 1, 2, 0, 0, 0, 0, 1, 2, 3, 4, 5};
  static final boolean[][] VALID = {
    {true, true, true, true, true, true}, {true, true, true, false, false, false}, {true, true, true, true, true, true}};

  /** Next-token cross-entropy over valid positions with a next token: targets are TOKENS shifted by one. */
  static boolean counted(int b, int t) {
    return t + 1 < T && VALID[b][t + 1];
  }

  static double crossEntropyGradient(float[] logits, float[] grad, int vocab) {
    int count = 0;
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        count += counted(b, t) ? 1 : 0;
      }
    }
    double loss = 0;
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        if (!counted(b, t)) {
          continue;
        }
        int row = (b * T + t) * vocab;
        double lse = dev.rcsd.engine.LogSoftmax.logSumExp(logits, row, vocab);
        int target = (int) TOKENS[b * T + t + 1];
        loss -= logits[row + target] - lse;
        for (int v = 0; v < vocab; v++) {
          grad[row + v] = (float) ((Math.exp(logits[row + v] - lse) - (v == target ? 1 : 0)) / count);
        }
      }
    }
    return loss / count;
  }

  /** The same loss written with DJL ops, differentiated by autograd. */
  static double autogradCrossEntropy(PolicyModel m) {
    NDManager nd = m.manager();
    try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray logits = m.block().logits(nd.create(TOKENS, new Shape(B, T)), nd.create(POSITIONS, new Shape(B, T)),
          AttentionMask.causal(nd, VALID, 0, T), null);
      long[] targets = new long[B * T];
      float[] weight = new float[B * T];
      int count = 0;
      for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
          if (counted(b, t)) {
            targets[b * T + t] = TOKENS[b * T + t + 1];
            weight[b * T + t] = 1;
            count++;
          }
        }
      }
      NDArray logp = logits.logSoftmax(-1).gather(nd.create(targets, new Shape(B, T, 1)), 2).squeeze(2);
      NDArray loss = logp.mul(nd.create(weight, new Shape(B, T))).sum().neg().div(Scalars.of(logp, count));
      gc.backward(loss);
      return loss.getFloat();
    }
  }

  @Test
  void anInjectedGradientEqualsAutogradOnTheSameLoss() {
    try (PolicyModel a = PolicyModel.random(CONFIG, 3); PolicyModel b = a.copy();
        AdamW optA = new AdamW(a.block(), a.manager(), AdamWSettings.DEFAULTS);
        AdamW optB = new AdamW(b.block(), b.manager(), AdamWSettings.DEFAULTS)) {
      double lossA = autogradCrossEntropy(a);
      double lossB = GradientInjection.backward(b, TOKENS, POSITIONS, VALID,
          (logits, grad) -> crossEntropyGradient(logits, grad, CONFIG.vocabSize()));
      assertEquals(lossA, lossB, 1e-5);
      for (Map.Entry<String, Parameter> e : a.block().namedParameters().entrySet()) {
        float[] ga = e.getValue().getArray().getGradient().toFloatArray();
        float[] gb = b.block().namedParameters().get(e.getKey()).getArray().getGradient().toFloatArray();
        double scale = 0;
        for (float g : ga) {
          scale = Math.max(scale, Math.abs(g));
        }
        for (int i = 0; i < ga.length; i++) {
          assertEquals(ga[i], gb[i], 1e-5 * scale + 1e-9, e.getKey() + "[" + i + "]");
        }
      }
      assertTrue(optA.gradientNorm() > 0);
      optA.step(1e-2);
      optB.step(1e-2);
      float[] wa = a.logits(new int[] {1, 2, 3});
      float[] wb = b.logits(new int[] {1, 2, 3});
      for (int i = 0; i < wa.length; i++) {
        assertEquals(wa[i], wb[i], 1e-4);
      }
    }
  }

  /**
   * The kernel runs between the forward and backward passes and allocates; a garbage collection
   * there must not change the gradients (DJL's scalar operands live in Java buffers the collector
   * may free while autograd still reads them, see Scalars), and two identical backward passes must
   * give the same bits (the embedding's backward must not add with atomics).
   */
  @Test
  void gradientsSurviveAGarbageCollectionBetweenForwardAndBackwardAndAreReproducible() {
    Map<String, float[]> first = null;
    for (int round = 0; round < 3; round++) {
      try (PolicyModel m = PolicyModel.random(CONFIG, 3);
          AdamW opt = new AdamW(m.block(), m.manager(), AdamWSettings.DEFAULTS)) {
        boolean collect = round > 0;
        GradientInjection.backward(m, TOKENS, POSITIONS, VALID, (logits, grad) -> {
          double loss = crossEntropyGradient(logits, grad, CONFIG.vocabSize());
          if (collect) {
            for (int i = 0; i < 3; i++) {
              byte[][] garbage = new byte[2048][];
              for (int j = 0; j < garbage.length; j++) {
                garbage[j] = new byte[4096];
              }
              System.gc();
            }
          }
          return loss;
        });
        Map<String, float[]> grads = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : m.block().namedParameters().entrySet()) {
          grads.put(e.getKey(), e.getValue().getArray().getGradient().toFloatArray());
        }
        if (first == null) {
          first = grads;
        } else {
          for (String k : first.keySet()) {
            assertArrayEquals(first.get(k), grads.get(k), k + " after a collection, round " + round);
          }
        }
      }
    }
  }

  /** The teacher pass runs outside a gradient collector: nothing can be back-propagated through it. */
  @Test
  void aForwardOutsideTheCollectorRecordsNoGraph() {
    try (PolicyModel m = PolicyModel.random(CONFIG, 1); AdamW opt = new AdamW(m.block(), m.manager(), AdamWSettings.DEFAULTS);
        NDScope scope = new NDScope()) {
      NDManager nd = m.manager();
      NDArray teacher = m.block().logits(nd.create(TOKENS, new Shape(B, T)), nd.create(POSITIONS, new Shape(B, T)),
          AttentionMask.causal(nd, VALID, 0, T), null);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        assertThrows(RuntimeException.class, () -> gc.backward(teacher.sum()),
            "the teacher's logits must carry no autograd graph");
      }
      assertEquals(0.0, opt.gradientNorm());
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray student = m.block().logits(nd.create(TOKENS, new Shape(B, T)), nd.create(POSITIONS, new Shape(B, T)),
            AttentionMask.causal(nd, VALID, 0, T), null);
        gc.backward(student.mul(student).sum());
      }
      assertTrue(opt.gradientNorm() > 0, "the student pass inside the collector does");
    }
  }

  /** Step 1 of Adam: m-hat = g, v-hat = g^2, so each weight moves by lr g / (|g| + eps) after decay. */
  @Test
  void adamWTakesTheStepItsFormulaSays() {
    try (PolicyModel m = PolicyModel.random(CONFIG, 2);
        AdamW opt = new AdamW(m.block(), m.manager(), new AdamWSettings(0.9, 0.999, 1e-8, 0.1, 1e9))) {
      Parameter p = m.block().namedParameters().get("model.layers.0.mlp.up_proj.weight");
      Parameter n = m.block().namedParameters().get("model.norm.weight");
      float[] before = p.getArray().toFloatArray();
      float[] normBefore = n.getArray().toFloatArray();
      GradientInjection.backward(m, TOKENS, POSITIONS, VALID, (l, g) -> crossEntropyGradient(l, g, CONFIG.vocabSize()));
      float[] g = p.getArray().getGradient().toFloatArray();
      float[] gn = n.getArray().getGradient().toFloatArray();
      double lr = 1e-3;
      opt.step(lr);
      float[] after = p.getArray().toFloatArray();
      for (int i = 0; i < before.length; i++) {
        double decayed = before[i] - lr * 0.1 * before[i];
        double want = decayed - lr * g[i] / (Math.abs(g[i]) + 1e-8);
        assertEquals(want, after[i], 1e-6, "up_proj[" + i + "]");
      }
      float[] normAfter = n.getArray().toFloatArray();
      for (int i = 0; i < normBefore.length; i++) {
        assertEquals(normBefore[i] - lr * gn[i] / (Math.abs(gn[i]) + 1e-8), normAfter[i], 1e-6, "no decay on norms");
      }
      assertEquals(0.0, opt.gradientNorm(), "gradients are zeroed after a step");
    }
  }

  @Test
  void clippingScalesToTheGlobalNormAndNaNStopsTheStep() {
    try (PolicyModel m = PolicyModel.random(CONFIG, 4);
        AdamW opt = new AdamW(m.block(), m.manager(), new AdamWSettings(0.9, 0.999, 1e-8, 0, 1e-3))) {
      GradientInjection.backward(m, TOKENS, POSITIONS, VALID, (l, g) -> crossEntropyGradient(l, g, CONFIG.vocabSize()));
      double norm = opt.gradientNorm();
      assertTrue(norm > 1e-3);
      assertEquals(norm, opt.step(1e-3), 1e-9);
      NonFiniteException e = assertThrows(NonFiniteException.class, () -> GradientInjection.backward(m, TOKENS,
          POSITIONS, VALID, (l, g) -> Double.NaN));
      assertTrue(e.getMessage().contains("NaN"));
      Parameter p = m.block().namedParameters().get("model.norm.weight");
      p.getArray().getGradient().set(FloatBuffer.wrap(new float[] {Float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
      float[] before = p.getArray().toFloatArray();
      assertThrows(NonFiniteException.class, () -> opt.step(1e-3));
      assertTrue(java.util.Arrays.equals(before, p.getArray().toFloatArray()), "a non-finite gradient updates nothing");
    }
  }

  @Test
  void learningRateWarmsUpThenDecays() {
    LearningRate lr = new LearningRate(1e-3, 10, 110, "cosine", 0.1);
    assertEquals(1e-4, lr.at(0), 1e-12);
    assertEquals(1e-3, lr.at(9), 1e-12);
    assertEquals(1e-3, lr.at(10), 1e-12);
    assertEquals(0.55e-3, lr.at(60), 1e-9);
    assertEquals(1e-4, lr.at(110), 1e-12);
    assertEquals(1e-4, lr.at(500), 1e-12);
    assertEquals(0.55e-3, new LearningRate(1e-3, 0, 100, "linear", 0.1).at(50), 1e-12);
    assertEquals(2e-3, LearningRate.constant(2e-3).at(1000), 0);
  }

  /**
   * 1,000 training steps leave the model's native arrays where they were after the first few, and
   * the resident memory outside the JVM's own committed heap and non-heap pools where it was at
   * step 500 (the JVM may grow its heap meanwhile; that is not native memory). The build runs tests
   * with {@code -XX:+AlwaysPreTouch}: without it, heap pages committed earlier but first touched
   * after step 500 look like growth.
   */
  @Test
  void nativeMemoryDoesNotGrowOver1000Steps() throws Exception {
    try (PolicyModel m = PolicyModel.random(CONFIG, 5); AdamW opt = new AdamW(m.block(), m.manager(), AdamWSettings.DEFAULTS)) {
      int arraysAfterWarmup = 0;
      long rssAfterWarmup = 0;
      for (int step = 0; step < 1000; step++) {
        GradientInjection.backward(m, TOKENS, POSITIONS, VALID, (l, g) -> crossEntropyGradient(l, g, CONFIG.vocabSize()));
        opt.step(1e-3);
        try (NDScope scope = new NDScope()) {
          m.logits(new int[] {1, 2, 3});
        }
        if (step == 50) {
          arraysAfterWarmup = countArrays(m.manager());
        }
        if (step == 500) {
          rssAfterWarmup = residentOutsideJvmPoolsKiB();
        }
      }
      assertEquals(arraysAfterWarmup, countArrays(m.manager()), "live NDArrays of the model grew");
      long growth = residentOutsideJvmPoolsKiB() - rssAfterWarmup;
      assertTrue(rssAfterWarmup == 0 || growth < 64 * 1024, "resident memory grew by " + growth + " KiB");
    }
  }

  static int countArrays(NDManager m) {
    return m.getManagedArrays().size();
  }

  /** VmRSS less what the JVM has committed for its heap and non-heap pools, in KiB; 0 without /proc. */
  static long residentOutsideJvmPoolsKiB() throws Exception {
    long rss = residentKiB();
    if (rss == 0) {
      return 0;
    }
    MemoryMXBean jvm = ManagementFactory.getMemoryMXBean();
    return rss - (jvm.getHeapMemoryUsage().getCommitted() + jvm.getNonHeapMemoryUsage().getCommitted()) / 1024;
  }

  /** VmRSS of this process in KiB, or 0 where /proc is not there. */
  static long residentKiB() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }
}
