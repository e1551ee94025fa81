package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.checkpoint.CheckpointWriter;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.hf.HfFolder;
import dev.rcsd.io.hf.SafetensorsFile;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.DType;
import dev.rcsd.io.proto.TensorRole;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Moves a model's weights between DJL parameters and files: a Hugging Face folder
 * (model.safetensors or shards) or an rcsd checkpoint. Weights in F16 or BF16 become float32.
 */
public final class ModelWeights {
  private ModelWeights() {}

  /** The config.json of a model at {@code path} (folder or .ckpt). */
  public static String configJson(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return HfFolder.open(path).configJson();
    }
    try (CheckpointReader r = CheckpointReader.open(path)) {
      if (r.header().getConfigJson().isEmpty()) {
        throw new FormatException(path, "the checkpoint holds no config.json");
      }
      return r.header().getConfigJson();
    }
  }

  /** Copies every parameter of {@code model} from the folder or checkpoint at {@code path}. */
  public static void load(Path path, DecoderModel model) throws IOException {
    Set<String> missing = new HashSet<>(model.namedParameters().keySet());
    if (Files.isDirectory(path)) {
      for (SafetensorsFile f : HfFolder.open(path).files()) {
        for (SafetensorsFile.Entry e : f.entries()) {
          try (InputStream in = f.open(e)) {
            byte[] bytes = in.readAllBytes();
            assign(f.file(), model, e.info(), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), missing);
          }
        }
      }
    } else {
      try (CheckpointReader r = CheckpointReader.open(path)) {
        for (TensorInfo t; (t = r.next()) != null; ) {
          if (t.role() == TensorRole.PARAMETER) {
            assign(path, model, t, r.readAll(), missing);
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new FormatException(path, "no weights for " + missing.stream().sorted().toList());
    }
  }

  private static void assign(Path file, DecoderModel model, TensorInfo t, ByteBuffer data, Set<String> missing)
      throws FormatException {
    Parameter p = model.namedParameters().get(t.name());
    if (p == null) {
      boolean tiedHead = t.name().equals("lm_head.weight") && model.config().tieWordEmbeddings();
      if (tiedHead || t.name().endsWith("rotary_emb.inv_freq")) {
        return; // derived from other weights: transformers ignores them too
      }
      throw new FormatException(file, "tensor '" + t.name() + "' is not a parameter of a " + model.config().family()
          + " model of this configuration");
    }
    NDArray target = p.getArray();
    long[] want = target.getShape().getShape();
    if (!Arrays.equals(want, t.shape())) {
      throw new FormatException(file, "tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
          + ", the model expects " + Arrays.toString(want));
    }
    Tensors.assign(target, toFloats(file, t, data));
    missing.remove(t.name());
  }

  /** A tensor's little-endian bytes as float32, converting F16 and BF16. */
  static float[] toFloats(Path file, TensorInfo t, ByteBuffer data) throws FormatException {
    int n = Math.toIntExact(t.elements());
    float[] out = new float[n];
    ByteBuffer b = data.order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case F32 -> b.asFloatBuffer().get(out);
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.bf16(b.getShort(2 * i));
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.f16(b.getShort(2 * i));
        }
      }
      default -> throw new FormatException(file, "tensor '" + t.name() + "' is " + t.dtype()
          + "; model weights must be F32, F16 or BF16");
    }
    return out;
  }

  /**
   * Writes the model's parameters (F32, Hugging Face names) and its config.json as a checkpoint;
   * {@code header} supplies anything else (producer, training state).
   */
  public static void save(DecoderModel model, Path file, CheckpointHeader header) throws IOException {
    try (CheckpointWriter w = CheckpointWriter.create(file,
        header.toBuilder().setConfigJson(model.config().toJson()).build())) {
      writeParameters(model, w);
      w.commit();
    }
  }

  /** Every parameter as an F32 tensor, in checkpoint order. */
  public static void writeParameters(DecoderModel model, CheckpointWriter w) throws IOException {
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      NDArray a = e.getValue().getArray();
      w.writeFloats(TensorInfo.parameter(e.getKey(), DType.F32, a.getShape().getShape()), a.toFloatArray());
    }
  }
}
