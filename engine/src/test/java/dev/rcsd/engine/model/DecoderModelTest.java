package dev.rcsd.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.checkpoint.CheckpointWriter;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.hf.HfExport;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DJL decoder against {@link ReferenceDecoder}, for every family, on random weights. */
class DecoderModelTest {
  @TempDir Path dir;

  /** head_dim 12 differs from hidden / heads = 8, as Qwen3 allows. */
  static ModelConfig config(String family, boolean tied) {
    return new ModelConfig(family, 41, 32, 48, 2, 4, 2, 12, 10000.0, 1e-6, tied, family.equals("qwen2"),
        family.equals("qwen3"), 128, 1, 2);
  }

  /** Sets every parameter to random values large enough for non-trivial attention; returns them. */
  static Map<String, float[]> randomize(PolicyModel m, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, float[]> weights = new HashMap<>();
    for (Map.Entry<String, Parameter> e : m.block().namedParameters().entrySet()) {
      NDArray a = e.getValue().getArray();
      Shape s = a.getShape();
      float[] v = new float[(int) s.size()];
      boolean norm = e.getKey().endsWith("norm.weight");
      double std = e.getKey().contains("embed") ? 1.0 : s.dimension() == 2 ? 1.0 / Math.sqrt(s.get(1)) : 0.1;
      for (int i = 0; i < v.length; i++) {
        double g = Math.sqrt(-2 * Math.log1p(-rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
        v[i] = (float) (norm ? 1 + 0.2 * g : std * g);
      }
      a.set(FloatBuffer.wrap(v));
      weights.put(e.getKey(), v);
    }
    return weights;
  }

  static void assertLogits(double[][] want, float[] got, int vocab, double tol) {
    for (int t = 0; t < want.length; t++) {
      for (int v = 0; v < vocab; v++) {
        if (Math.abs(want[t][v] - got[t * vocab + v]) > tol) {
          fail("logit [" + t + ", " + v + "] = " + got[t * vocab + v] + ", reference " + want[t][v]);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}, tied={1}")
  @CsvSource({"qwen3, true", "qwen3, false", "llama, false", "llama, true", "qwen2, false"})
  void logitsMatchTheReferenceImplementation(String family, boolean tied) {
    ModelConfig c = config(family, tied);
    try (PolicyModel m = PolicyModel.random(c, 7)) {
      Map<String, float[]> w = randomize(m, 11);
      int[] tokens = {1, 5, 9, 40, 3, 3, 17, 22, 0, 8};
      assertLogits(new ReferenceDecoder(c, w).logits(tokens), m.logits(tokens), c.vocabSize(), 2e-4);
    }
  }

  @Test
  void theSameSeedGivesTheSameWeights() {
    ModelConfig c = config("qwen3", true);
    try (PolicyModel a = PolicyModel.random(c, 5); PolicyModel b = PolicyModel.random(c, 5);
        PolicyModel other = PolicyModel.random(c, 6)) {
      float[] la = a.logits(new int[] {1, 2, 3});
      assertTrue(java.util.Arrays.equals(la, b.logits(new int[] {1, 2, 3})));
      assertTrue(!java.util.Arrays.equals(la, other.logits(new int[] {1, 2, 3})));
    }
  }

  /** Prefill then one token at a time through the KV cache gives the full forward's logits. */
  @ParameterizedTest
  @CsvSource({"qwen3", "llama", "qwen2"})
  void cachedStepsMatchTheFullSequence(String family) {
    ModelConfig c = config(family, false);
    int[] seq = {3, 14, 15, 9, 26, 5, 35};
    int prefill = 4;
    try (PolicyModel m = PolicyModel.random(c, 3); NDManager nd = NDManager.newBaseManager()) {
      randomize(m, 4);
      float[] full = m.logits(seq);
      try (KvCache cache = m.block().newCache(nd, 1, seq.length); NDScope scope = new NDScope()) {
        boolean[][] valid = {new boolean[seq.length]};
        for (int i = 0; i < prefill; i++) {
          valid[0][i] = true;
        }
        long[] ids = new long[prefill];
        long[] pos = new long[prefill];
        for (int i = 0; i < prefill; i++) {
          ids[i] = seq[i];
          pos[i] = i;
        }
        float[] pre = m.block().logits(nd.create(ids, new Shape(1, prefill)), nd.create(pos, new Shape(1, prefill)),
            AttentionMask.causal(nd, trim(valid, prefill), 0, prefill), cache).toFloatArray();
        assertClose(full, 0, pre, prefill * c.vocabSize());
        for (int i = prefill; i < seq.length; i++) {
          valid[0][i] = true;
          float[] step = m.block().logits(nd.create(new long[] {seq[i]}, new Shape(1, 1)),
              nd.create(new long[] {i}, new Shape(1, 1)), AttentionMask.causal(nd, trim(valid, i + 1), i, 1), cache)
              .toFloatArray();
          assertClose(full, i * c.vocabSize(), step, c.vocabSize());
        }
        assertEquals(seq.length, cache.length());
      }
    }
  }

  private static boolean[][] trim(boolean[][] valid, int n) {
    return new boolean[][] {java.util.Arrays.copyOf(valid[0], n)};
  }

  private static void assertClose(float[] want, int from, float[] got, int n) {
    for (int i = 0; i < n; i++) {
      assertEquals(want[from + i], got[i], 1e-4, "logit " + (from + i));
    }
  }

  /** Saved as a checkpoint, exported as a Hugging Face folder, loaded both ways: the same logits. */
  @Test
  void checkpointAndHuggingFaceFolderLoadTheSameModel() throws IOException {
    ModelConfig c = config("qwen3", false);
    int[] tokens = {4, 8, 15, 16, 23, 40};
    try (PolicyModel m = PolicyModel.random(c, 9)) {
      randomize(m, 10);
      float[] want = m.logits(tokens);
      Path ckpt = dir.resolve("m.ckpt");
      m.save(ckpt, "test");
      HfExport.run(ckpt, dir.resolve("hf"));
      try (PolicyModel fromCkpt = PolicyModel.load(ckpt); PolicyModel fromHf = PolicyModel.load(dir.resolve("hf"))) {
        assertTrue(java.util.Arrays.equals(want, fromCkpt.logits(tokens)));
        assertTrue(java.util.Arrays.equals(want, fromHf.logits(tokens)));
      }
    }
  }

  /** BF16 weights become the float32 values they denote; the reference sees the same rounding. */
  @Test
  void bf16WeightsLoadAsTheirFloatValues() throws IOException {
    ModelConfig c = config("llama", true);
    Path ckpt = dir.resolve("bf16.ckpt");
    Map<String, float[]> rounded = new HashMap<>();
    try (PolicyModel m = PolicyModel.random(c, 1)) {
      Map<String, float[]> w = randomize(m, 2);
      try (CheckpointWriter out = CheckpointWriter.create(ckpt,
          CheckpointHeader.newBuilder().setConfigJson(c.toJson()).build())) {
        for (Map.Entry<String, Parameter> e : m.block().namedParameters().entrySet()) {
          float[] v = w.get(e.getKey());
          ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
          float[] r = new float[v.length];
          for (int i = 0; i < v.length; i++) {
            short bf = (short) (Float.floatToRawIntBits(v[i]) >>> 16);
            b.putShort(bf);
            r[i] = HalfFloats.bf16(bf);
          }
          rounded.put(e.getKey(), r);
          out.writeTensor(TensorInfo.parameter(e.getKey(), DType.BF16, e.getValue().getArray().getShape().getShape()),
              b.flip());
        }
        out.commit();
      }
    }
    HfExport.run(ckpt, dir.resolve("hf16"));
    int[] tokens = {1, 2, 3, 4, 5};
    try (PolicyModel loaded = PolicyModel.load(dir.resolve("hf16"))) {
      assertLogits(new ReferenceDecoder(c, rounded).logits(tokens), loaded.logits(tokens), c.vocabSize(), 2e-4);
    }
  }

  @Test
  void halfFloatsConvertExactly() {
    assertEquals(1.0f, HalfFloats.f16((short) 0x3c00));
    assertEquals(-2.0f, HalfFloats.f16((short) 0xc000));
    assertEquals(65504f, HalfFloats.f16((short) 0x7bff));
    assertEquals(5.9604645e-8f, HalfFloats.f16((short) 0x0001)); // smallest subnormal
    assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16((short) 0x7c00));
    assertTrue(Float.isNaN(HalfFloats.f16((short) 0x7e00)));
    assertEquals(1.0f, HalfFloats.bf16((short) 0x3f80));
  }

  @Test
  void weightsOfTheWrongShapeOrAnUnknownNameAreRefused() throws IOException {
    ModelConfig c = config("qwen3", true);
    Path ckpt = dir.resolve("bad.ckpt");
    try (CheckpointWriter out = CheckpointWriter.create(ckpt,
        CheckpointHeader.newBuilder().setConfigJson(c.toJson()).build())) {
      out.writeFloats(TensorInfo.parameter("model.norm.weight", DType.F32, 31), new float[31]);
      out.commit();
    }
    FormatException e = assertThrows(FormatException.class, () -> PolicyModel.load(ckpt).close());
    assertTrue(e.getMessage().contains("model.norm.weight") && e.getMessage().contains("[31]"), e.getMessage());
  }

  @Test
  void configJsonRoundTripsAndNamesWhatIsMissing() {
    ModelConfig c = config("qwen2", false);
    assertEquals(c, ModelConfig.fromJson(c.toJson()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelConfig.fromJson("{\"model_type\": \"qwen3\", \"hidden_size\": 8}"));
    assertTrue(e.getMessage().contains("num_attention_heads is missing"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromJson("{\"model_type\": \"gpt2\"}"));
  }
}
