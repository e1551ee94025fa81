package dev.rcsd.engine.task;

import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.hf.HfFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the tokenizer of a model: in its checkpoint's metadata, beside its weights, or the built-in one. */
public final class ModelTokenizer {
  /** The metadata key under which a checkpoint carries its tokenizer.json. */
  public static final String KEY = HfFolder.FILE_PREFIX + "tokenizer.json";

  private ModelTokenizer() {}

  public static TaskTokenizer of(Path model) throws IOException {
    if (Files.isDirectory(model)) {
      Path json = model.resolve("tokenizer.json");
      return Files.isRegularFile(json) ? TaskTokenizer.load(json) : TaskTokenizer.builtIn();
    }
    String json;
    try (CheckpointReader r = CheckpointReader.open(model)) {
      json = r.header().getMetadataMap().get(KEY);
    }
    if (json == null) {
      return TaskTokenizer.builtIn();
    }
    Path tmp = Files.createTempFile("rcsd-tokenizer-", ".json");
    tmp.toFile().deleteOnExit();
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    return TaskTokenizer.load(tmp);
  }
}
