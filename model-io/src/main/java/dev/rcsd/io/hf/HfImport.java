package dev.rcsd.io.hf;

import dev.rcsd.io.checkpoint.CheckpointWriter;
import dev.rcsd.io.proto.CheckpointHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Copies a Hugging Face model folder into a checkpoint, tensor bytes unchanged. */
public final class HfImport {
  private HfImport() {}

  /** What an import wrote. */
  public record Summary(int tensors, long bytes) {}

  /**
   * @param chunkBytes the checkpoint's chunk size, 0 for the default
   */
  public static Summary run(Path hfDir, Path checkpoint, String producer, int chunkBytes) throws IOException {
    HfFolder folder = HfFolder.open(hfDir);
    CheckpointHeader header = CheckpointHeader.newBuilder()
        .setProducer(producer)
        .setConfigJson(folder.configJson())
        .setChunkBytes(chunkBytes)
        .putAllMetadata(folder.metadata())
        .build();
    int tensors = 0;
    long bytes = 0;
    try (CheckpointWriter w = CheckpointWriter.create(checkpoint, header)) {
      for (SafetensorsFile f : folder.files()) {
        for (SafetensorsFile.Entry e : f.entries()) {
          try (InputStream data = f.open(e)) {
            w.writeTensor(e.info(), data);
          }
          tensors++;
          bytes += e.info().byteLength();
        }
      }
      w.commit();
    }
    return new Summary(tensors, bytes);
  }
}
