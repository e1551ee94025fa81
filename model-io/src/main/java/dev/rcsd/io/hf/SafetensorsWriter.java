package dev.rcsd.io.hf;

import dev.rcsd.io.AtomicFile;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.proto.DType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes float32 tensors as one safetensors file, atomically, in the given order. */
public final class SafetensorsWriter {
  private SafetensorsWriter() {}

  /** A named tensor: its shape and its row-major values. */
  public record Tensor(String name, long[] shape, float[] values) {}

  public static void writeF32(Path file, List<Tensor> tensors) throws IOException {
    List<TensorInfo> infos = tensors.stream().map(t -> TensorInfo.parameter(t.name(), DType.F32, t.shape())).toList();
    byte[] json = HfExport.safetensorsHeader(infos, Map.of());
    try (AtomicFile f = AtomicFile.create(file)) {
      OutputStream out = f.stream();
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
      for (Tensor t : tensors) {
        ByteBuffer b = ByteBuffer.allocate(t.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.values());
        out.write(b.array());
      }
      f.commit();
    }
  }
}
