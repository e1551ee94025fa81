package dev.rcsd.io.checkpoint;

import dev.rcsd.io.RecordFormat;

/** Constants of the checkpoint format (checkpoint.proto). */
public final class CheckpointFormat {
  public static final RecordFormat FORMAT = new RecordFormat("checkpoint", "RCSDCKPT", 1, 64 << 20);
  public static final int MINOR = 0;
  public static final int DEFAULT_CHUNK_BYTES = 4 << 20;
  public static final int MAX_CHUNK_BYTES = 32 << 20;

  private CheckpointFormat() {}
}
