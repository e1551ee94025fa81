package dev.rcsd.io.hf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes safetensors files byte by byte for tests, including ones that lie. */
final class SafetensorsFiles {
  private SafetensorsFiles() {}

  static void write(Path file, String headerJson, byte[] data) throws IOException {
    write(file, headerJson.getBytes(StandardCharsets.UTF_8).length, headerJson, data);
  }

  /** With a header length that may disagree with the header. */
  static void write(Path file, long claimedHeaderLength, String headerJson, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimedHeaderLength).array());
    out.write(headerJson.getBytes(StandardCharsets.UTF_8));
    out.write(data);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, out.toByteArray());
  }
}
