package dev.rcsd.engine.task;

import dev.rcsd.io.FormatException;
import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.hf.HfFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the tokenizer of a model: in its checkpoint's metadata, beside its weights, or the built-in one. */
public final class ModelTokenizer {
  /** The metadata key under which a checkpoint carries its tokenizer.json. */
  public static final String KEY = HfFolder.FILE_PREFIX + "tokenizer.json";

  private ModelTokenizer() {}

  /** The tokenizer.json text of a model (the built-in one when it names none). */
  public static String json(Path model) throws IOException {
    if (Files.isDirectory(model)) {
      Path json = model.resolve("tokenizer.json");
      return Files.isRegularFile(json) ? Files.readString(json) : TaskTokenizer.builtInJson();
    }
    try (CheckpointReader r = CheckpointReader.open(model)) {
      String json = r.header().getMetadataMap().get(KEY);
      return json == null ? TaskTokenizer.builtInJson() : json;
    }
  }

  /** The model's tokenizer with its chat template and special tokens (TaskTokenizer.of). */
  public static TaskTokenizer of(Path model) throws IOException {
    String config = companion(model, "tokenizer_config.json");
    String generation = companion(model, "generation_config.json");
    check(model, "tokenizer_config.json", config);
    check(model, "generation_config.json", generation);
    try {
      return TaskTokenizer.of(json(model), config, generation, companion(model, "chat_template.jinja"));
    } catch (IllegalArgumentException e) {
      throw new FormatException(model, e.getMessage());
    }
  }

  /** A companion JSON file must be a JSON object; the error names the model, the file and the position. */
  private static void check(Path model, String name, String text) throws FormatException {
    if (text == null) {
      return;
    }
    try {
      if (!JSON.readTree(text).isObject()) {
        throw new FormatException(model, name + ": not a JSON object");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new FormatException(model, name + ": line " + e.getLocation().getLineNr() + ": not JSON: "
          + e.getOriginalMessage());
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * Every Hugging Face companion file of a model as checkpoint metadata ({@code file:NAME} to its
   * text): the tokenizer (the built-in one when the model names none), and its tokenizer_config,
   * generation_config, special_tokens_map and chat template where it has them.
   */
  public static java.util.Map<String, String> companions(Path model) throws IOException {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    out.put(KEY, json(model));
    for (String name : HfFolder.COMPANIONS) {
      String text = name.equals("tokenizer.json") ? null : companion(model, name);
      if (text != null) {
        out.put(HfFolder.FILE_PREFIX + name, text);
      }
    }
    return out;
  }

  /** A Hugging Face companion file of a model: beside its weights, or in its checkpoint's metadata; null if absent. */
  public static String companion(Path model, String name) throws IOException {
    if (Files.isDirectory(model)) {
      Path f = model.resolve(name);
      try {
        return Files.isRegularFile(f) ? Files.readString(f) : null;
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new FormatException(model, name + ": not UTF-8 text");
      }
    }
    try (CheckpointReader r = CheckpointReader.open(model)) {
      return r.header().getMetadataMap().get(HfFolder.FILE_PREFIX + name);
    }
  }
}
