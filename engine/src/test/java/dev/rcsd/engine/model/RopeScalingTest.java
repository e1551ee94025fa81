package dev.rcsd.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RoPE from config.json in both layouts (transformers 5's rope_parameters, the older rope_theta
 * with rope_scaling) and every scaling type of the supported families, against frequencies and
 * attention factors computed with transformers' formulas in Python (rope/make_expected.py).
 */
class RopeScalingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode expected() throws IOException {
    try (InputStream in = RopeScalingTest.class.getResourceAsStream("/rope/expected.json")) {
      return JSON.readTree(in);
    }
  }

  /** A small Llama's config.json with the case's RoPE fields. */
  static ModelConfig llama(JsonNode rope, int headDim) {
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", "llama").put("vocab_size", 37).put("hidden_size", 16).put("intermediate_size", 32)
        .put("num_hidden_layers", 2).put("num_attention_heads", 2).put("num_key_value_heads", 1)
        .put("head_dim", headDim).put("rms_norm_eps", 1e-6).put("tie_word_embeddings", false);
    c.setAll((ObjectNode) rope);
    return ModelConfig.fromJson(c.toString());
  }

  @Test
  void frequenciesAndAttentionFactorsAreTransformers() throws IOException {
    JsonNode cases = expected();
    assertEquals(18, cases.size());
    for (JsonNode k : cases) {
      ModelConfig c = llama(k.get("config"), k.get("head_dim").asInt());
      float[] inv = c.inverseFrequencies();
      JsonNode want = k.get("inverse_frequencies");
      assertEquals(want.size(), inv.length);
      for (int i = 0; i < inv.length; i++) {
        double w = want.get(i).asDouble();
        assertEquals(w, inv[i], 2e-6 * Math.abs(w), k.get("config") + " head_dim " + inv.length * 2 + " [" + i + "]");
      }
      assertEquals(k.get("attention_factor").asDouble(), c.ropeAttentionFactor(), 1e-12, k.get("config").toString());
    }
  }

  /** transformers 5 keeps rope_theta in rope_parameters only; it used to fall back to 10,000. */
  @Test
  void ropeThetaIsReadFromEitherLayoutAndWrittenBackAsRead() throws IOException {
    ModelConfig nested = llama(JSON.readTree("{\"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"default\"}}"),
        8);
    ModelConfig top = llama(JSON.readTree("{\"rope_theta\": 500000.0}"), 8);
    assertEquals(500000.0, nested.ropeTheta());
    assertEquals(java.util.Arrays.toString(top.inverseFrequencies()), java.util.Arrays.toString(nested.inverseFrequencies()));
    for (JsonNode k : expected()) {
      ModelConfig c = llama(k.get("config"), 8);
      JsonNode written = JSON.readTree(c.toJson());
      boolean nestedLayout = k.get("config").has("rope_parameters");
      assertEquals(nestedLayout, written.has("rope_parameters"), written.toString());
      assertEquals(!nestedLayout, written.has("rope_theta"), written.toString());
      assertEquals(nestedLayout ? k.get("config").get("rope_parameters") : k.get("config").get("rope_scaling"),
          written.get(nestedLayout ? "rope_parameters" : "rope_scaling"));
      assertEquals(c, ModelConfig.fromJson(c.toJson()));
    }
  }

  @Test
  void unknownTypesAndMissingFieldsAreRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> llama(JSON.readTree(
        "{\"rope_scaling\": {\"rope_type\": \"longrope\", \"factor\": 2}}"), 8));
    assertTrue(e.getMessage().contains("rope_scaling type 'longrope' is not supported"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> llama(JSON.readTree(
        "{\"rope_parameters\": {\"rope_theta\": 1e4, \"rope_type\": \"llama3\", \"factor\": 8}}"), 8));
    assertTrue(e.getMessage().contains("rope_parameters.low_freq_factor is missing or not a number"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> llama(JSON.readTree(
        "{\"rope_parameters\": {\"full_attention\": {\"rope_theta\": 1e4}}}"), 8));
    assertTrue(e.getMessage().contains("RoPE per layer type is not supported"), e.getMessage());
  }

  /** The decoder's logits with scaled RoPE equal the reference's fed Python's frequencies. */
  @Test
  void scaledRopeLogitsMatchTheReferenceWithPythonsFrequencies() throws IOException {
    int[] tokens = {1, 5, 9, 30, 3, 3, 17, 22, 0, 8, 11, 36};
    boolean sawYarn = false;
    for (JsonNode k : expected()) {
      if (k.get("head_dim").asInt() != 8) {
        continue;
      }
      ModelConfig c = llama(k.get("config"), 8);
      float[] inv = new float[4];
      for (int i = 0; i < inv.length; i++) {
        inv[i] = (float) k.get("inverse_frequencies").get(i).asDouble();
      }
      double factor = k.get("attention_factor").asDouble();
      sawYarn |= factor != 1.0;
      try (PolicyModel m = PolicyModel.random(c, 7)) {
        Map<String, float[]> w = DecoderModelTest.randomize(m, 13);
        DecoderModelTest.assertLogits(new ReferenceDecoder(c, w, inv, factor).logits(tokens), m.logits(tokens),
            c.vocabSize(), 2e-4);
        if (c.ropeScaling() != null && !c.ropeScaling().type().equals("default")
            && !c.ropeScaling().type().equals("dynamic")) { // scaling changes the logits of plain RoPE
          double[][] plain = new ReferenceDecoder(c, w).logits(tokens);
          float[] got = m.logits(tokens);
          boolean differs = false;
          for (int t = 0; t < tokens.length && !differs; t++) {
            for (int v = 0; v < c.vocabSize(); v++) {
              differs |= Math.abs(plain[t][v] - got[t * c.vocabSize() + v]) > 1e-3;
            }
          }
          assertTrue(differs, k.get("config").toString());
        }
      }
    }
    assertTrue(sawYarn);
    assertFalse(expected().isEmpty());
  }
}
