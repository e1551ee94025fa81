package dev.rcsd.io.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcsd.io.Sizes;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.TensorRole;
import dev.rcsd.io.proto.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a whole checkpoint (so every checksum is checked on the way) and describes it: the
 * producer, the model's shape from its config.json, the training state, and one line per tensor.
 */
public final class CheckpointInspector {
  private CheckpointInspector() {}

  /** What a full read found. */
  public record Report(CheckpointHeader header, List<TensorInfo> tensors, long fileBytes) {
    public long parameterBytes() {
      return tensors.stream().filter(t -> t.role() == TensorRole.PARAMETER).mapToLong(TensorInfo::byteLength).sum();
    }
  }

  /** Reads every record and checks every checksum; throws on the first problem. */
  public static Report verify(Path file) throws IOException {
    List<TensorInfo> tensors = new ArrayList<>();
    CheckpointHeader header;
    try (CheckpointReader r = CheckpointReader.open(file)) {
      header = r.header();
      for (TensorInfo t; (t = r.next()) != null; ) {
        tensors.add(t);
      }
    }
    return new Report(header, tensors, Files.size(file));
  }

  /** A table a person can read. */
  public static String describe(Path file) throws IOException {
    Report report = verify(file);
    CheckpointHeader h = report.header();
    StringBuilder out = new StringBuilder();
    line(out, "file", file + " (" + Sizes.bytes(report.fileBytes()) + ", format " + CheckpointFormat.FORMAT.major()
        + "." + h.getFormatMinor() + ", chunks of " + Sizes.bytes(h.getChunkBytes()) + ")");
    line(out, "producer", h.getProducer().isEmpty() ? "(unknown)" : h.getProducer());
    line(out, "model", model(h.getConfigJson()));
    if (h.hasTraining()) {
      TrainingState t = h.getTraining();
      line(out, "training", "step " + t.getStep() + ", method " + t.getMethod() + ", data epoch "
          + t.getDataCursor().getEpoch() + " position " + t.getDataCursor().getPosition()
          + (t.hasOptimizer() ? ", optimizer " + t.getOptimizer().getName() + " step " + t.getOptimizer().getStep() : ""));
    }
    if (!h.getMetadataMap().isEmpty()) {
      line(out, "metadata", h.getMetadataMap().toString());
    }
    long params = report.tensors().stream().filter(t -> t.role() == TensorRole.PARAMETER).mapToLong(TensorInfo::elements).sum();
    long moments = report.tensors().stream().filter(t -> t.role() != TensorRole.PARAMETER).count();
    line(out, "tensors", report.tensors().size() + " (" + String.format(Locale.ROOT, "%,d", params) + " parameters, "
        + Sizes.bytes(report.parameterBytes()) + (moments > 0 ? "; " + moments + " optimizer moments" : "") + ")");
    line(out, "checksums", "ok (every chunk and the whole file)");
    out.append('\n');
    int width = Math.max(4, report.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4));
    out.append(String.format(Locale.ROOT, "%-" + width + "s  %-5s  %-20s  %10s  %s%n", "name", "dtype", "shape", "bytes", "role"));
    for (TensorInfo t : report.tensors()) {
      out.append(String.format(Locale.ROOT, "%-" + width + "s  %-5s  %-20s  %10s  %s%n", t.name(), t.dtype(),
          Arrays.toString(t.shape()), Sizes.bytes(t.byteLength()), role(t.role())));
    }
    return out.toString();
  }

  private static String role(TensorRole role) {
    return switch (role) {
      case PARAMETER -> "parameter";
      case OPTIMIZER_FIRST_MOMENT -> "adam m";
      case OPTIMIZER_SECOND_MOMENT -> "adam v";
      default -> role.name();
    };
  }

  private static void line(StringBuilder out, String key, String value) {
    out.append(String.format(Locale.ROOT, "%-10s %s%n", key, value));
  }

  private static String model(String configJson) {
    if (configJson.isEmpty()) {
      return "(no config.json)";
    }
    try {
      JsonNode c = new ObjectMapper().readTree(configJson);
      StringBuilder s = new StringBuilder(c.path("model_type").asText("?"));
      append(s, c, "num_hidden_layers", " layers");
      append(s, c, "hidden_size", " hidden");
      append(s, c, "num_attention_heads", " heads");
      append(s, c, "num_key_value_heads", " kv heads");
      append(s, c, "head_dim", " head dim");
      append(s, c, "intermediate_size", " mlp");
      append(s, c, "vocab_size", " vocab");
      if (c.path("tie_word_embeddings").asBoolean(false)) {
        s.append(", tied embeddings");
      }
      return s.toString();
    } catch (IOException e) {
      return "(config.json unreadable: " + e.getMessage() + ")";
    }
  }

  private static void append(StringBuilder s, JsonNode c, String key, String unit) {
    if (c.has(key)) {
      s.append(", ").append(c.get(key).asText()).append(unit);
    }
  }
}
