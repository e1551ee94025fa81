package dev.rcsd.engine.io;

import dev.rcsd.io.AtomicFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes one float32 array as a numpy {@code .npy} file (format 1.0), atomically. DJL writes
 * {@code .npz} archives but has no public writer for a single {@code .npy}.
 */
public final class NpyWriter {
  private NpyWriter() {}

  public static void write(Path file, float[] data, long... shape) throws IOException {
    long n = 1;
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      n *= d;
      dims.append(d).append(", ");
    }
    if (n != data.length) {
      throw new IllegalArgumentException(data.length + " values do not fill a shape of " + n);
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
        .putShort((short) header.length());
    ByteBuffer body = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    body.asFloatBuffer().put(data);
    try (AtomicFile f = AtomicFile.create(file)) {
      OutputStream out = f.stream();
      out.write(prefix.array());
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.write(body.array());
      f.commit();
    }
  }
}
