package dev.rcsd.io.hf;

import dev.rcsd.io.checkpoint.CheckpointWriter;
import dev.rcsd.io.proto.CheckpointHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Copies a Hugging Face model folder into a checkpoint, tensor bytes unchanged; companion files
 * such as tokenizer.json go into the header's metadata as {@code file:<name>}.
 */
public final class HfImport {
  private HfImport() {}

  /** What an import wrote. */
  public record Summary(int tensors, long bytes) {}

  /**
   * @param chunkBytes the checkpoint's chunk size, 0 for the default
   */
  public static Summary run(Path hfDir, Path checkpoint, String producer, int chunkBytes) throws IOException {
    HfFolder folder = HfFolder.open(hfDir);
    CheckpointHeader.Builder header = CheckpointHeader.newBuilder()
        .setProducer(producer)
        .setConfigJson(folder.configJson())
        .setChunkBytes(chunkBytes)
        .putAllMetadata(folder.metadata());
    folder.companions().forEach((name, text) -> header.putMetadata(HfFolder.FILE_PREFIX + name, text));
    int tensors = 0;
    long bytes = 0;
    try (CheckpointWriter w = CheckpointWriter.create(checkpoint, header.build())) {
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
