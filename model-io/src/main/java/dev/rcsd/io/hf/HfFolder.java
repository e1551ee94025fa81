package dev.rcsd.io.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcsd.io.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A Hugging Face model folder: {@code config.json} and either {@code model.safetensors} or shards
 * listed by {@code model.safetensors.index.json}. Opening checks that every tensor of the index is
 * in the shard it names and that no shard holds a tensor the index does not name.
 */
public final class HfFolder {
  public static final String CONFIG = "config.json";
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";
  /** Small files that travel with the weights: in a checkpoint as metadata {@code file:<name>}. */
  public static final java.util.List<String> COMPANIONS = java.util.List.of("tokenizer.json", "tokenizer_config.json",
      "generation_config.json", "special_tokens_map.json", "chat_template.jinja");
  /** The metadata key prefix of a companion file. */
  public static final String FILE_PREFIX = "file:";
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Path dir;
  private final String configJson;
  private final List<SafetensorsFile> files;
  private final Map<String, String> metadata;

  private HfFolder(Path dir, String configJson, List<SafetensorsFile> files, Map<String, String> metadata) {
    this.dir = dir;
    this.configJson = configJson;
    this.files = files;
    this.metadata = metadata;
  }

  public static HfFolder open(Path dir) throws IOException {
    Path config = dir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new FormatException(dir, "no " + CONFIG + " in this folder");
    }
    String configJson = Files.readString(config, StandardCharsets.UTF_8);
    parseObject(config, configJson);
    Path single = dir.resolve(SINGLE);
    Path index = dir.resolve(INDEX);
    Map<String, String> metadata = new LinkedHashMap<>();
    List<SafetensorsFile> files = new ArrayList<>();
    if (Files.isRegularFile(index)) {
      JsonNode root = parseObject(index, Files.readString(index, StandardCharsets.UTF_8));
      JsonNode map = root.get("weight_map");
      if (map == null || !map.isObject()) {
        throw new FormatException(index, "weight_map is missing or not an object");
      }
      Map<String, String> where = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String shard = e.getValue().asText();
        if (!e.getValue().isTextual() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
          throw new FormatException(index, "weight_map." + e.getKey() + " does not name a shard file in the folder");
        }
        where.put(e.getKey(), shard);
      }
      for (String shard : new TreeSet<>(where.values())) {
        SafetensorsFile f = SafetensorsFile.open(dir.resolve(shard));
        for (SafetensorsFile.Entry e : f.entries()) {
          if (!shard.equals(where.get(e.info().name()))) {
            throw new FormatException(f.file(), "tensor '" + e.info().name() + "' is not listed for this shard in " + INDEX);
          }
        }
        files.add(f);
        metadata.putAll(f.metadata());
      }
      long found = files.stream().mapToLong(f -> f.entries().size()).sum();
      if (found != where.size()) {
        throw new FormatException(index, "lists " + where.size() + " tensors but the shards hold " + found);
      }
    } else if (Files.isRegularFile(single)) {
      SafetensorsFile f = SafetensorsFile.open(single);
      files.add(f);
      metadata.putAll(f.metadata());
    } else {
      throw new FormatException(dir, "neither " + SINGLE + " nor " + INDEX + " in this folder");
    }
    return new HfFolder(dir, configJson, List.copyOf(files), metadata);
  }

  static JsonNode parseObject(Path file, String json) throws FormatException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new FormatException(file, "not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new FormatException(file, "not a JSON object");
    }
    return root;
  }

  public Path dir() {
    return dir;
  }

  /** The companion files present in the folder, by name. */
  public Map<String, String> companions() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : COMPANIONS) {
      Path f = dir.resolve(name);
      if (Files.isRegularFile(f)) {
        out.put(name, Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** config.json, verbatim. */
  public String configJson() {
    return configJson;
  }

  /** The safetensors files, shards in name order. */
  public List<SafetensorsFile> files() {
    return files;
  }

  /** The __metadata__ of the safetensors files. */
  public Map<String, String> metadata() {
    return metadata;
  }
}
