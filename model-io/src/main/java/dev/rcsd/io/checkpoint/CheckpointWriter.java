package dev.rcsd.io.checkpoint;

import dev.rcsd.io.RecordFileWriter;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.CheckpointRecord;
import dev.rcsd.io.proto.Footer;
import dev.rcsd.io.proto.TensorBegin;
import dev.rcsd.io.proto.TensorChunk;
import com.google.protobuf.ByteString;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Streams tensors into a checkpoint file. Nothing appears under the target name until
 * {@link #commit()}; closing an uncommitted writer removes its temporary file, so the previous
 * checkpoint of that name survives any failure.
 *
 * <pre>
 *   try (CheckpointWriter w = CheckpointWriter.create(path, header)) {
 *     w.writeTensor(info, data);  ...
 *     w.commit();
 *   }
 * </pre>
 */
public final class CheckpointWriter implements Closeable {
  private final RecordFileWriter out;
  private final int chunkBytes;
  private final byte[] buffer;
  private final Set<String> written = new HashSet<>();

  private CheckpointWriter(Path target, CheckpointHeader header) throws IOException {
    int chunk = header.getChunkBytes() == 0 ? CheckpointFormat.DEFAULT_CHUNK_BYTES : header.getChunkBytes();
    if (chunk < 1 || chunk > CheckpointFormat.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunk_bytes = " + chunk + " must be in [1, " + CheckpointFormat.MAX_CHUNK_BYTES + "]");
    }
    this.chunkBytes = chunk;
    this.buffer = new byte[chunk];
    this.out = new RecordFileWriter(target, CheckpointFormat.FORMAT);
    try {
      out.write(CheckpointRecord.newBuilder()
          .setHeader(header.toBuilder().setFormatMinor(CheckpointFormat.MINOR).setChunkBytes(chunk))
          .build());
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** Starts a checkpoint; the header's chunk_bytes (default 4 MiB) sets the chunk size. */
  public static CheckpointWriter create(Path target, CheckpointHeader header) throws IOException {
    return new CheckpointWriter(target, header);
  }

  /** Writes a tensor whose {@code info.byteLength()} bytes are read from {@code data}. */
  public void writeTensor(TensorInfo info, InputStream data) throws IOException {
    begin(info);
    long left = info.byteLength();
    for (long index = 0; left > 0; index++) {
      int n = (int) Math.min(chunkBytes, left);
      int got = data.readNBytes(buffer, 0, n);
      if (got != n) {
        throw new IOException("tensor " + info.name() + ": its source ended " + (left - got) + " bytes early");
      }
      chunk(index, buffer, n);
      left -= n;
    }
  }

  /** Writes a tensor whose bytes are the remaining bytes of {@code data} (little-endian). */
  public void writeTensor(TensorInfo info, ByteBuffer data) throws IOException {
    if (data.remaining() != info.byteLength()) {
      throw new IllegalArgumentException("tensor " + info.name() + ": " + data.remaining() + " bytes given, "
          + info.byteLength() + " expected");
    }
    begin(info);
    ByteBuffer src = data.duplicate();
    for (long index = 0; src.hasRemaining(); index++) {
      int n = Math.min(chunkBytes, src.remaining());
      src.get(buffer, 0, n);
      chunk(index, buffer, n);
    }
  }

  /** Writes float32 values as an F32 tensor. */
  public void writeFloats(TensorInfo info, float[] values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    writeTensor(info, b);
  }

  private void begin(TensorInfo info) throws IOException {
    if (TensorInfo.itemSize(info.dtype()) == 0) {
      throw new IllegalArgumentException("tensor " + info.name() + ": dtype " + info.dtype() + " cannot be written");
    }
    if (!written.add(info.role() + "/" + info.name())) {
      throw new IllegalArgumentException("tensor " + info.name() + " (" + info.role() + ") written twice");
    }
    TensorBegin.Builder b = TensorBegin.newBuilder()
        .setName(info.name())
        .setDtype(info.dtype())
        .setByteLength(info.byteLength())
        .setChunkCount((info.byteLength() + chunkBytes - 1) / chunkBytes)
        .setRole(info.role());
    for (long d : info.shape()) {
      b.addShape(d);
    }
    out.write(CheckpointRecord.newBuilder().setTensor(b).build());
  }

  private void chunk(long index, byte[] data, int n) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, n);
    out.write(CheckpointRecord.newBuilder()
        .setChunk(TensorChunk.newBuilder().setIndex(index).setData(ByteString.copyFrom(data, 0, n))
            .setCrc32C((int) crc.getValue()))
        .build());
  }

  /** Writes the footer and publishes the file under its name. */
  public void commit() throws IOException {
    out.commit(CheckpointRecord.newBuilder()
        .setFooter(Footer.newBuilder().setRecordCount(out.recordCount()).setFileCrc32C(out.crc()))
        .build());
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
