package dev.rcsd.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How config.json scales RoPE, read from either layout: transformers 5's {@code rope_parameters}
 * (rope_theta, rope_type and the scaling fields in one object) or the older top-level
 * {@code rope_theta} with {@code rope_scaling} ({@code rope_type} or {@code type}). The inverse
 * frequencies and attention factor are those of transformers' {@code modeling_rope_utils}, in
 * float32 as it computes them; export writes the fields back as they were read.
 *
 * @param type             default, linear, dynamic, yarn or llama3
 * @param fields           the object as read ({@code rope_parameters} or {@code rope_scaling})
 * @param ropeParameters   whether config.json held it as {@code rope_parameters}
 */
public record RopeScaling(String type, ObjectNode fields, boolean ropeParameters) {
  public static final List<String> TYPES = List.of("default", "linear", "dynamic", "yarn", "llama3");

  public RopeScaling {
    String where = ropeParameters ? "rope_parameters" : "rope_scaling";
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("config.json: " + where + " type '" + type + "' is not supported ("
          + String.join(", ", TYPES) + ")");
    }
    List<String> required = switch (type) {
      case "linear", "dynamic", "yarn" -> List.of("factor");
      case "llama3" -> List.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings");
      default -> List.of();
    };
    for (String f : required) {
      if (!fields.path(f).isNumber()) {
        throw new IllegalArgumentException("config.json: " + where + "." + f + " is missing or not a number ("
            + type + " RoPE needs it)");
      }
    }
  }

  /** The scaling of config.json {@code c}, or null where it has neither object (plain RoPE). */
  static RopeScaling read(JsonNode c) {
    boolean nested = c.path("rope_parameters").isObject();
    JsonNode n = nested ? c.get("rope_parameters") : c.path("rope_scaling");
    if (!n.isObject()) {
      if (!n.isMissingNode() && !n.isNull()) {
        throw new IllegalArgumentException("config.json: rope_scaling is not an object");
      }
      return null;
    }
    JsonNode t = n.has("rope_type") ? n.get("rope_type") : n.path("type");
    if (nested && !n.has("rope_theta") && !t.isTextual()) {
      throw new IllegalArgumentException("config.json: rope_parameters has neither rope_theta nor rope_type"
          + " (RoPE per layer type is not supported)");
    }
    return new RopeScaling(t.isTextual() ? t.asText() : "default", ((ObjectNode) n).deepCopy(), nested);
  }

  /** rope_theta: top level, else in rope_parameters, else the family's default. */
  static double theta(JsonNode c, String family) {
    if (c.path("rope_theta").isNumber()) {
      return c.get("rope_theta").asDouble();
    }
    JsonNode nested = c.path("rope_parameters").path("rope_theta");
    if (nested.isNumber()) {
      return nested.asDouble();
    }
    return family.equals("llama") ? 10000.0 : 1_000_000.0;
  }

  /** Writes this scaling into config.json {@code c} in the layout it was read from. */
  void write(ObjectNode c, double theta) {
    ObjectNode f = fields.deepCopy();
    if (ropeParameters) {
      c.remove("rope_theta");
      f.put("rope_theta", theta);
      c.set("rope_parameters", f);
    } else {
      c.set("rope_scaling", f);
    }
  }

  /**
   * 1 / theta^(2i / d) for i < d/2, scaled as {@code s} says (null: plain RoPE). Dynamic NTK equals
   * plain RoPE within max_position_embeddings, beyond which no sequence is sampled.
   */
  static float[] inverseFrequencies(RopeScaling s, int headDim, double theta, int maxPositions) {
    float[] inv = new float[headDim / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
    }
    if (s == null) {
      return inv;
    }
    return switch (s.type) {
      case "linear" -> scaled(inv, 1 / s.number("factor"));
      case "llama3" -> s.llama3(inv);
      case "yarn" -> s.yarn(inv, headDim, theta, maxPositions);
      default -> inv;
    };
  }

  /** The factor transformers multiplies cos and sin by: 1 but for YaRN. */
  static double attentionFactor(RopeScaling s, int maxPositions) {
    if (s == null || !s.type.equals("yarn")) {
      return 1.0;
    }
    if (s.fields.path("attention_factor").isNumber()) {
      return s.number("attention_factor");
    }
    double factor = s.yarnFactor(maxPositions);
    double mscale = s.fields.path("mscale").asDouble(0);
    double mscaleAllDim = s.fields.path("mscale_all_dim").asDouble(0);
    if (mscale != 0 && mscaleAllDim != 0) {
      return mscale(factor, mscale) / mscale(factor, mscaleAllDim);
    }
    return mscale(factor, 1);
  }

  private static double mscale(double scale, double m) {
    return scale <= 1 ? 1.0 : 0.1 * m * Math.log(scale) + 1.0;
  }

  private double number(String field) {
    return fields.get(field).asDouble();
  }

  private static float[] scaled(float[] inv, double by) {
    for (int i = 0; i < inv.length; i++) {
      inv[i] = inv[i] * (float) by;
    }
    return inv;
  }

  /** Llama 3.1: low frequencies divided by the factor, high ones kept, a smooth ramp between. */
  private float[] llama3(float[] inv) {
    float factor = (float) number("factor");
    float low = (float) number("low_freq_factor");
    float high = (float) number("high_freq_factor");
    float old = (float) number("original_max_position_embeddings");
    float lowWavelen = old / low;
    float highWavelen = old / high;
    for (int i = 0; i < inv.length; i++) {
      float wavelen = (float) (2 * Math.PI) / inv[i];
      float f = wavelen > lowWavelen ? inv[i] / factor : inv[i];
      if (wavelen >= highWavelen && wavelen <= lowWavelen) {
        float smooth = (old / wavelen - low) / (high - low);
        f = (1 - smooth) * f / factor + smooth * f;
      }
      inv[i] = f;
    }
    return inv;
  }

  /**
   * transformers' factor for YaRN: max_position_embeddings / original_max_position_embeddings where
   * the latter is given, else {@code factor}.
   */
  private double yarnFactor(int maxPositions) {
    return fields.path("original_max_position_embeddings").isNumber()
        ? (double) maxPositions / number("original_max_position_embeddings") : number("factor");
  }

  /** YaRN: interpolated below the correction range, extrapolated above it, a linear ramp within. */
  private float[] yarn(float[] inv, int dim, double theta, int maxPositions) {
    double factor = yarnFactor(maxPositions);
    double original = fields.path("original_max_position_embeddings").isNumber()
        ? number("original_max_position_embeddings") : maxPositions;
    double fast = fields.path("beta_fast").asDouble(0) != 0 ? number("beta_fast") : 32;
    double slow = fields.path("beta_slow").asDouble(0) != 0 ? number("beta_slow") : 1;
    double lo = correctionDim(fast, dim, theta, original);
    double hi = correctionDim(slow, dim, theta, original);
    if (fields.path("truncate").asBoolean(true)) {
      lo = Math.floor(lo);
      hi = Math.ceil(hi);
    }
    lo = Math.max(lo, 0);
    hi = Math.min(hi, dim - 1);
    if (lo == hi) {
      hi += 0.001;
    }
    for (int i = 0; i < inv.length; i++) {
      float pos = (float) Math.pow(theta, (float) (2 * i) / dim);
      float ramp = Math.min(1f, Math.max(0f, (i - (float) lo) / (float) (hi - lo)));
      float extrapolationFactor = 1 - ramp;
      float extrapolation = 1 / pos;
      float interpolation = 1 / ((float) factor * pos);
      inv[i] = interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
    }
    return inv;
  }

  private static double correctionDim(double rotations, int dim, double theta, double maxPositions) {
    return (dim * Math.log(maxPositions / (rotations * 2 * Math.PI))) / (2 * Math.log(theta));
  }
}
