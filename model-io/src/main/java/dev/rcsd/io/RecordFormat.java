package dev.rcsd.io;

import java.nio.charset.StandardCharsets;

/**
 * The identity of a record file format: its magic, the major version this build writes and reads,
 * and a name for messages.
 */
public record RecordFormat(String name, String magic, int major, int maxRecordBytes) {
  public static final int PREAMBLE_BYTES = 12;

  public RecordFormat {
    if (magic.getBytes(StandardCharsets.US_ASCII).length != 8) {
      throw new IllegalArgumentException("magic must be 8 ASCII bytes: " + magic);
    }
  }

  byte[] magicBytes() {
    return magic.getBytes(StandardCharsets.US_ASCII);
  }
}
