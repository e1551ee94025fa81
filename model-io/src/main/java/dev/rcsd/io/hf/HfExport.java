package dev.rcsd.io.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.io.AtomicFile;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.TensorRole;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a checkpoint's parameters as a Hugging Face folder: {@code config.json} verbatim, one
 * {@code model.safetensors} whose data are the tensors' bytes unchanged, in checkpoint order, and
 * the companion files kept in the metadata (tokenizer.json, ...). Optimizer moments are left
 * out. Every file is written atomically.
 */
public final class HfExport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfExport() {}

  public record Summary(int tensors, long bytes) {}

  public static Summary run(Path checkpoint, Path dir) throws IOException {
    List<TensorInfo> tensors = new ArrayList<>();
    CheckpointHeader header;
    try (CheckpointReader r = CheckpointReader.open(checkpoint)) {
      header = r.header();
      for (TensorInfo t; (t = r.next()) != null; ) {
        if (t.role() == TensorRole.PARAMETER) {
          tensors.add(t);
        }
      }
    }
    if (header.getConfigJson().isEmpty()) {
      throw new FormatException(checkpoint, "the checkpoint holds no config.json");
    }
    Map<String, String> metadata = new java.util.LinkedHashMap<>();
    Map<String, String> companions = new java.util.LinkedHashMap<>();
    header.getMetadataMap().forEach((k, v) -> {
      if (k.startsWith(HfFolder.FILE_PREFIX)) {
        companions.put(k.substring(HfFolder.FILE_PREFIX.length()), v);
      } else {
        metadata.put(k, v);
      }
    });
    for (String name : companions.keySet()) {
      if (!HfFolder.COMPANIONS.contains(name)) {
        throw new FormatException(checkpoint, "metadata names a companion file '" + name + "' that is not one of "
            + HfFolder.COMPANIONS);
      }
    }
    byte[] json = safetensorsHeader(tensors, metadata);
    Files.createDirectories(dir);
    long bytes = 0;
    try (AtomicFile f = AtomicFile.create(dir.resolve(HfFolder.SINGLE));
        CheckpointReader r = CheckpointReader.open(checkpoint)) {
      OutputStream out = f.stream();
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
      for (TensorInfo t; (t = r.next()) != null; ) {
        if (t.role() == TensorRole.PARAMETER) {
          r.read((data, offset) -> out.write(data));
          bytes += t.byteLength();
        }
      }
      f.commit();
    }
    try (AtomicFile f = AtomicFile.create(dir.resolve(HfFolder.CONFIG))) {
      f.stream().write(header.getConfigJson().getBytes(StandardCharsets.UTF_8));
      f.commit();
    }
    for (Map.Entry<String, String> c : companions.entrySet()) {
      try (AtomicFile f = AtomicFile.create(dir.resolve(c.getKey()))) {
        f.stream().write(c.getValue().getBytes(StandardCharsets.UTF_8));
        f.commit();
      }
    }
    return new Summary(tensors.size(), bytes);
  }

  /** The JSON header, padded with spaces to a multiple of 8 bytes as safetensors writers do. */
  static byte[] safetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (TensorInfo t : tensors) {
      ObjectNode node = root.putObject(t.name());
      node.put("dtype", SafetensorsFile.name(t.dtype()));
      ArrayNode shape = node.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      node.putArray("data_offsets").add(offset).add(offset + t.byteLength());
      offset += t.byteLength();
    }
    byte[] json = JSON.writeValueAsBytes(root);
    int padded = (json.length + 7) / 8 * 8;
    byte[] out = java.util.Arrays.copyOf(json, padded);
    java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }
}
