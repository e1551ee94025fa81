package dev.rcsd.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The shape of a decoder from a Hugging Face {@code config.json}: Qwen3 (q/k RMSNorm per head, no
 * biases), Llama (no q/k norm) and Qwen2 (q/k/v biases). Family defaults follow transformers'
 * configuration classes where a field is absent.
 *
 * @param family          qwen3, llama or qwen2 ({@code model_type})
 * @param headDim         explicit {@code head_dim}, else hidden / heads
 * @param attentionBias   biases on q, k and v (Qwen2 always; Llama/Qwen3 when {@code attention_bias})
 * @param qkNorm          RMSNorm of q and k over each head before RoPE (Qwen3)
 * @param lora            low-rank adapters on the layers' projections, or null; config.json holds
 *                        them as {@code rcsd_lora} (PEFT's r, lora_alpha, target_modules), which
 *                        transformers ignores
 * @param ropeScaling     RoPE's scaling as config.json gives it (either layout), or null for plain
 *                        RoPE with a top-level rope_theta
 */
public record ModelConfig(
    String family,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    double ropeTheta,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean qkNorm,
    int maxPositions,
    int bosTokenId,
    int eosTokenId,
    Lora lora,
    RopeScaling ropeScaling) {

  public static final List<String> FAMILIES = List.of("qwen3", "llama", "qwen2");
  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelConfig {
    if (!FAMILIES.contains(family)) {
      throw new IllegalArgumentException("model_type '" + family + "' is not supported (" + String.join(", ", FAMILIES) + ")");
    }
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", layers);
    positive("num_attention_heads", heads);
    positive("num_key_value_heads", kvHeads);
    positive("head_dim", headDim);
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException("num_attention_heads " + heads + " is not a multiple of num_key_value_heads "
          + kvHeads);
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotary embeddings");
    }
  }

  /** A configuration with plain RoPE. */
  public ModelConfig(String family, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
      int kvHeads, int headDim, double ropeTheta, double rmsNormEps, boolean tieWordEmbeddings, boolean attentionBias,
      boolean qkNorm, int maxPositions, int bosTokenId, int eosTokenId, Lora lora) {
    this(family, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, headDim, ropeTheta, rmsNormEps,
        tieWordEmbeddings, attentionBias, qkNorm, maxPositions, bosTokenId, eosTokenId, lora, null);
  }

  /** A configuration without adapters, with plain RoPE. */
  public ModelConfig(String family, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
      int kvHeads, int headDim, double ropeTheta, double rmsNormEps, boolean tieWordEmbeddings, boolean attentionBias,
      boolean qkNorm, int maxPositions, int bosTokenId, int eosTokenId) {
    this(family, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, headDim, ropeTheta, rmsNormEps,
        tieWordEmbeddings, attentionBias, qkNorm, maxPositions, bosTokenId, eosTokenId, null);
  }

  /** This configuration with {@code l} as its adapters (null: none). */
  public ModelConfig withLora(Lora l) {
    return new ModelConfig(family, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, headDim, ropeTheta,
        rmsNormEps, tieWordEmbeddings, attentionBias, qkNorm, maxPositions, bosTokenId, eosTokenId, l, ropeScaling);
  }

  /** RoPE's inverse frequencies, [head_dim / 2], as transformers computes them for this configuration. */
  public float[] inverseFrequencies() {
    return RopeScaling.inverseFrequencies(ropeScaling, headDim, ropeTheta, maxPositions);
  }

  /** The factor cos and sin of RoPE are multiplied by (YaRN's attention factor; else 1). */
  public double ropeAttentionFactor() {
    return RopeScaling.attentionFactor(ropeScaling, maxPositions);
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " = " + v + " must be >= 1");
    }
  }

  /** Parses config.json; missing required fields and unsupported families are named. */
  public static ModelConfig fromJson(String json) {
    JsonNode c;
    try {
      c = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("config.json is not valid JSON: " + e.getMessage());
    }
    String family = text(c, "model_type");
    int hidden = integer(c, "hidden_size");
    int heads = integer(c, "num_attention_heads");
    boolean qwen2 = family.equals("qwen2");
    return new ModelConfig(
        family,
        integer(c, "vocab_size"),
        hidden,
        integer(c, "intermediate_size"),
        integer(c, "num_hidden_layers"),
        heads,
        c.has("num_key_value_heads") && !c.get("num_key_value_heads").isNull() ? c.get("num_key_value_heads").asInt() : heads,
        c.has("head_dim") && !c.get("head_dim").isNull() ? c.get("head_dim").asInt() : hidden / heads,
        RopeScaling.theta(c, family),
        c.path("rms_norm_eps").asDouble(1e-6),
        c.path("tie_word_embeddings").asBoolean(false),
        qwen2 || c.path("attention_bias").asBoolean(false),
        family.equals("qwen3"),
        c.path("max_position_embeddings").asInt(32768),
        c.path("bos_token_id").asInt(-1),
        eos(c.path("eos_token_id")),
        lora(c.path(LORA_KEY)),
        RopeScaling.read(c));
  }

  /** The key of the adapters in config.json. */
  public static final String LORA_KEY = "rcsd_lora";

  private static Lora lora(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    List<String> targets = new java.util.ArrayList<>();
    n.path("target_modules").forEach(t -> targets.add(t.asText()));
    return new Lora(integer(n, "r"), n.path("lora_alpha").asDouble(Double.NaN), targets);
  }

  private static int eos(JsonNode n) {
    if (n.isArray()) {
      return n.size() == 0 ? -1 : n.get(0).asInt();
    }
    return n.asInt(-1);
  }

  private static String text(JsonNode c, String field) {
    if (!c.hasNonNull(field)) {
      throw new IllegalArgumentException("config.json has no " + field);
    }
    return c.get(field).asText();
  }

  private static int integer(JsonNode c, String field) {
    if (!c.hasNonNull(field) || !c.get(field).canConvertToInt()) {
      throw new IllegalArgumentException("config.json: " + field + " is missing or not an integer");
    }
    return c.get(field).asInt();
  }

  /** config.json for this configuration, with the fields transformers reads. */
  public String toJson() {
    ObjectNode c = JSON.createObjectNode();
    String arch = switch (family) {
      case "qwen3" -> "Qwen3ForCausalLM";
      case "qwen2" -> "Qwen2ForCausalLM";
      default -> "LlamaForCausalLM";
    };
    c.putArray("architectures").add(arch);
    c.put("model_type", family);
    c.put("vocab_size", vocabSize);
    c.put("hidden_size", hiddenSize);
    c.put("intermediate_size", intermediateSize);
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", heads);
    c.put("num_key_value_heads", kvHeads);
    c.put("head_dim", headDim);
    c.put("rope_theta", ropeTheta);
    if (ropeScaling != null) {
      ropeScaling.write(c, ropeTheta);
    }
    c.put("rms_norm_eps", rmsNormEps);
    c.put("tie_word_embeddings", tieWordEmbeddings);
    c.put("attention_bias", attentionBias);
    c.put("max_position_embeddings", maxPositions);
    c.put("hidden_act", "silu");
    c.put("bos_token_id", bosTokenId);
    c.put("eos_token_id", eosTokenId);
    c.put("torch_dtype", "float32");
    if (lora != null) {
      ObjectNode l = c.putObject(LORA_KEY);
      l.put("r", lora.rank());
      l.put("lora_alpha", lora.alpha());
      lora.targets().forEach(l.putArray("target_modules")::add);
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The built-in model's default width and depth. */
  public static final int TINY_HIDDEN = 128;
  public static final int TINY_LAYERS = 4;

  /**
   * The built-in model trained from scratch on CPU: Qwen3's architecture, 4 layers, hidden 128,
   * 4 heads over 2 key/value heads of 32, a vocabulary from the task's tokenizer.
   */
  public static ModelConfig tiny(int vocabSize, int bos, int eos) {
    return tiny(vocabSize, bos, eos, TINY_HIDDEN, TINY_LAYERS);
  }

  /**
   * The built-in model at another size: {@code hidden} wide (a multiple of 8: 4 heads over 2
   * key/value heads of hidden / 4, an MLP of 3 x hidden), {@code layers} deep.
   */
  public static ModelConfig tiny(int vocabSize, int bos, int eos, int hidden, int layers) {
    if (hidden < 8 || hidden % 8 != 0 || layers < 1) {
      throw new IllegalArgumentException("the built-in model needs hidden_size a multiple of 8 and"
          + " layers >= 1, not " + hidden + " and " + layers);
    }
    return new ModelConfig("qwen3", vocabSize, hidden, 3 * hidden, layers, 4, 2, hidden / 4, 10000.0, 1e-6, true,
        false, true, 1024, bos, eos);
  }

  /** Query heads per key/value head. */
  public int groups() {
    return heads / kvHeads;
  }
}
