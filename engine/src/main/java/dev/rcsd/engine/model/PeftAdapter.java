package dev.rcsd.engine.model;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.io.AtomicFile;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.hf.SafetensorsFile;
import dev.rcsd.io.hf.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's LoRA adapters as a PEFT adapter folder: {@code adapter_config.json} (peft_type LORA,
 * r, lora_alpha, target_modules) and {@code adapter_model.safetensors} with PEFT's tensor names,
 * {@code base_model.model.} + the parameter's name, e.g.
 * {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}.
 */
public final class PeftAdapter {
  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";
  static final String PREFIX = "base_model.model.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PeftAdapter() {}

  /** Writes the adapters of {@code model} (which must have some) into {@code dir}. */
  public static void write(PolicyModel model, Path dir) throws IOException {
    Lora lora = model.config().lora();
    if (lora == null) {
      throw new IllegalArgumentException("the model has no LoRA adapters to export");
    }
    Files.createDirectories(dir);
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    model.block().trainableParameters().forEach((name, p) -> tensors.add(new SafetensorsWriter.Tensor(PREFIX + name,
        p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
    SafetensorsWriter.writeF32(dir.resolve(WEIGHTS), tensors);
    ObjectNode c = JSON.createObjectNode();
    c.put("peft_type", "LORA");
    c.put("task_type", "CAUSAL_LM");
    c.put("r", lora.rank());
    c.put("lora_alpha", lora.alpha());
    c.put("lora_dropout", 0.0);
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("base_model_name_or_path", "");
    lora.targets().forEach(c.putArray("target_modules")::add);
    try (AtomicFile f = AtomicFile.create(dir.resolve(CONFIG))) {
      f.stream().write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(c));
      f.commit();
    }
  }

  /**
   * {@code base} (without adapters) with the adapter folder's LoRA applied as adapters, unmerged.
   * Every adapter tensor of the configuration must be in the file, with its shape.
   */
  public static PolicyModel apply(PolicyModel base, Path dir) throws IOException {
    Path configFile = dir.resolve(CONFIG);
    JsonNode c;
    try {
      c = JSON.readTree(Files.readString(configFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new FormatException(configFile, "not readable JSON: " + e.getMessage());
    }
    if (!"LORA".equals(c.path("peft_type").asText())) {
      throw new FormatException(configFile, "peft_type is '" + c.path("peft_type").asText() + "', not LORA");
    }
    List<String> targets = new ArrayList<>();
    c.path("target_modules").forEach(t -> targets.add(t.asText()));
    Lora lora;
    try {
      lora = new Lora(c.path("r").asInt(0), c.path("lora_alpha").asDouble(Double.NaN), targets);
    } catch (IllegalArgumentException e) {
      throw new FormatException(configFile, e.getMessage());
    }
    PolicyModel adapted = base.withAdapters(lora, 0);
    try {
      Path weights = dir.resolve(WEIGHTS);
      Map<String, Parameter> want = adapted.block().trainableParameters();
      Set<String> missing = new HashSet<>(want.keySet());
      SafetensorsFile f = SafetensorsFile.open(weights);
      for (SafetensorsFile.Entry e : f.entries()) {
        String name = e.info().name().startsWith(PREFIX) ? e.info().name().substring(PREFIX.length()) : e.info().name();
        Parameter p = want.get(name);
        if (p == null) {
          throw new FormatException(weights, "tensor '" + e.info().name() + "' is not an adapter of this model and "
              + "configuration");
        }
        long[] shape = p.getArray().getShape().getShape();
        if (!Arrays.equals(shape, e.info().shape())) {
          throw new FormatException(weights, "tensor '" + e.info().name() + "' has shape "
              + Arrays.toString(e.info().shape()) + ", the model expects " + Arrays.toString(shape));
        }
        try (InputStream in = f.open(e)) {
          ByteBuffer data = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
          Tensors.assign(p.getArray(), ModelWeights.toFloats(weights, e.info(), data));
        }
        missing.remove(name);
      }
      if (!missing.isEmpty()) {
        throw new FormatException(weights, "no tensors for " + missing.stream().sorted().toList());
      }
      return adapted;
    } catch (IOException | RuntimeException e) {
      adapted.close();
      throw e;
    }
  }
}
