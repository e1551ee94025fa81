package dev.rcsd.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.AdamWSettings;
import dev.rcsd.io.FormatException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA adapters: forward, gradients against finite differences, merging, freezing, PEFT files. */
class LoraTest {
  @TempDir Path dir;

  static final Lora LORA = new Lora(2, 4, List.of("q_proj", "v_proj", "down_proj"));
  static final int[] TOKENS = {1, 5, 9, 40, 3, 17, 22, 8};

  /** A random base (Llama: untied head, no q/k norm) with adapters whose B is random too. */
  static PolicyModel adapted(long seed) {
    try (PolicyModel base = PolicyModel.random(DecoderModelTest.config("llama", false), seed)) {
      DecoderModelTest.randomize(base, seed);
      PolicyModel m = base.withAdapters(LORA, seed);
      SplittableRandom rnd = new SplittableRandom(seed + 1);
      m.block().trainableParameters().forEach((name, p) -> {
        if (name.endsWith("lora_B.weight")) {
          float[] v = new float[(int) p.getArray().size()];
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5) * 0.5f;
          }
          p.getArray().set(FloatBuffer.wrap(v));
        }
      });
      return m;
    }
  }

  static void assertSameLogits(float[] want, float[] got, double tol) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], tol * (1 + Math.abs(want[i])), "logit " + i);
    }
  }

  @Test
  void freshAdaptersLeaveTheModelUnchangedAndNamesFollowPeft() {
    try (PolicyModel base = PolicyModel.random(DecoderModelTest.config("qwen3", true), 3)) {
      DecoderModelTest.randomize(base, 3);
      try (PolicyModel m = base.withAdapters(LORA, 3)) {
        assertSameLogits(base.logits(TOKENS), m.logits(TOKENS), 0);
        assertEquals(2 * 3 * 2, m.block().trainableParameters().size(), "A and B for 3 targets in 2 layers");
        Parameter a = m.block().namedParameters().get("model.layers.1.mlp.down_proj.lora_A.weight");
        Parameter b = m.block().namedParameters().get("model.layers.0.self_attn.q_proj.lora_B.weight");
        assertEquals(new Shape(2, 48), a.getArray().getShape(), "A is [r, in]");
        assertEquals(new Shape(48, 2), b.getArray().getShape(), "B is [out, r] (4 heads x head_dim 12)");
        assertTrue(m.config().toJson().contains("\"rcsd_lora\""));
        assertEquals(LORA, ModelConfig.fromJson(m.config().toJson()).lora());
      }
    }
  }

  @Test
  void gradientsOfTheAdaptersMatchFiniteDifferences() {
    try (PolicyModel m = adapted(5)) {
      int t = TOKENS.length;
      SplittableRandom rnd = new SplittableRandom(9);
      float[] r = new float[t * m.config().vocabSize()];
      for (int i = 0; i < r.length; i++) {
        r[i] = (float) (rnd.nextDouble() - 0.5);
      }
      new AdamW(m.block(), m.manager(), AdamWSettings.DEFAULTS).close(); // freezes the base
      double loss0 = loss(m, r, true);
      for (String name : List.of("model.layers.0.self_attn.q_proj.lora_A.weight",
          "model.layers.1.self_attn.v_proj.lora_B.weight", "model.layers.0.mlp.down_proj.lora_A.weight")) {
        NDArray p = m.block().namedParameters().get(name).getArray();
        float[] g = p.getGradient().toFloatArray();
        float[] v = p.toFloatArray();
        for (int i = 0; i < v.length; i += Math.max(1, v.length / 5)) {
          float keep = v[i];
          float eps = 1e-2f;
          v[i] = keep + eps;
          p.set(FloatBuffer.wrap(v));
          double up = loss(m, r, false);
          v[i] = keep - eps;
          p.set(FloatBuffer.wrap(v));
          double down = loss(m, r, false);
          v[i] = keep;
          p.set(FloatBuffer.wrap(v));
          double fd = (up - down) / (2 * eps);
          assertEquals(fd, g[i], 2e-2 * Math.abs(fd) + 2e-3, name + "[" + i + "] (loss " + loss0 + ")");
        }
      }
      assertFalse(m.block().namedParameters().get("model.layers.0.self_attn.q_proj.weight").getArray().hasGradient(),
          "the frozen base takes no gradient");
    }
  }

  /** sum(logits * r) over one sequence; with {@code backward}, its gradients land on the parameters. */
  private static double loss(PolicyModel m, float[] r, boolean backward) {
    NDManager nd = m.manager();
    int t = TOKENS.length;
    long[] ids = new long[t];
    long[] pos = new long[t];
    boolean[][] valid = new boolean[1][t];
    for (int i = 0; i < t; i++) {
      ids[i] = TOKENS[i];
      pos[i] = i;
      valid[0][i] = true;
    }
    try (NDScope scope = new NDScope()) {
      if (!backward) {
        NDArray logits = m.block().logits(nd.create(ids, new Shape(1, t)), nd.create(pos, new Shape(1, t)),
            AttentionMask.causal(nd, valid, 0, t), null);
        return logits.reshape(-1).mul(nd.create(r)).sum().getFloat();
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = m.block().logits(nd.create(ids, new Shape(1, t)), nd.create(pos, new Shape(1, t)),
            AttentionMask.causal(nd, valid, 0, t), null);
        NDArray loss = logits.reshape(-1).mul(nd.create(r)).sum();
        gc.backward(loss);
        return loss.getFloat();
      }
    }
  }

  @Test
  void theOptimizerUpdatesTheAdaptersAlone() {
    try (PolicyModel m = adapted(6);
        AdamW opt = new AdamW(m.block(), m.manager(), AdamWSettings.DEFAULTS)) {
      assertEquals(m.block().trainableParameters().keySet(), opt.firstMoments().keySet());
      assertFalse(m.block().namedParameters().get("model.embed_tokens.weight").getArray().hasGradient(),
          "the base is frozen");
    }
  }

  @Test
  void mergingGivesTheSameModelWithoutAdapters() {
    try (PolicyModel m = adapted(7); PolicyModel merged = m.merged()) {
      assertNull(merged.config().lora());
      assertEquals(m.block().namedParameters().size() - m.block().trainableParameters().size(),
          merged.block().namedParameters().size());
      assertSameLogits(m.logits(TOKENS), merged.logits(TOKENS), 1e-4);
    }
  }

  @Test
  void exportAndImportThroughPeftFoldersRoundTrip() throws IOException {
    try (PolicyModel m = adapted(8)) {
      Path ckpt = dir.resolve("adapted.ckpt");
      m.save(ckpt, "test");
      Path out = dir.resolve("hf");
      LoraCheckpoints.export(ckpt, out);
      assertFalse(Files.readString(out.resolve("config.json")).contains("rcsd_lora"), "transformers' config only");
      assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_config.json")));
      assertTrue(Files.readString(out.resolve("adapter/adapter_config.json")).contains("\"LORA\""));
      try (PolicyModel merged = PolicyModel.load(out)) {
        assertSameLogits(m.logits(TOKENS), merged.logits(TOKENS), 1e-4);
      }
      // the base as a Hugging Face folder, then the adapter applied to it: the adapted model again
      Path baseCkpt = dir.resolve("base.ckpt");
      try (PolicyModel base = m.merged()) {
        m.block().namedParameters().forEach((name, p) -> {
          Parameter target = base.block().namedParameters().get(name);
          if (target != null) {
            target.getArray().set(FloatBuffer.wrap(p.getArray().toFloatArray()));
          }
        });
        base.save(baseCkpt, "test");
      }
      Path baseDir = dir.resolve("base-hf");
      dev.rcsd.io.hf.HfExport.run(baseCkpt, baseDir);
      Path imported = dir.resolve("imported.ckpt");
      dev.rcsd.io.hf.HfImport.run(baseDir, imported, "test", 0);
      LoraCheckpoints.applyAdapter(imported, out.resolve("adapter"));
      try (PolicyModel back = PolicyModel.load(imported)) {
        assertEquals(LORA, back.config().lora());
        m.block().namedParameters().forEach((name, p) -> assertSameLogits(p.getArray().toFloatArray(),
            back.block().namedParameters().get(name).getArray().toFloatArray(), 0));
        assertSameLogits(m.logits(TOKENS), back.logits(TOKENS), 1e-6);
      }
    }
  }

  @Test
  void anAdapterThatDoesNotFitIsRefusedNamingTheTensor() throws IOException {
    try (PolicyModel m = adapted(9)) {
      Path ckpt = dir.resolve("a.ckpt");
      m.save(ckpt, "test");
      LoraCheckpoints.export(ckpt, dir.resolve("hf"));
      Path config = dir.resolve("hf/adapter/adapter_config.json");
      Files.writeString(config, Files.readString(config).replace("\"r\" : 2", "\"r\" : 3"));
      try (PolicyModel base = PolicyModel.random(DecoderModelTest.config("llama", false), 1)) {
        FormatException e = assertThrows(FormatException.class, () -> PeftAdapter.apply(base, dir.resolve("hf/adapter")));
        assertTrue(e.getMessage().contains("lora_A.weight") && e.getMessage().contains("shape"), e.getMessage());
      }
    }
  }
}
