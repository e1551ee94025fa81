package dev.rcsd.io.checkpoint;

import com.google.protobuf.ByteString;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.RecordFileReader;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.CheckpointRecord;
import dev.rcsd.io.proto.DType;
import dev.rcsd.io.proto.TensorBegin;
import dev.rcsd.io.proto.TensorChunk;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Streams the tensors of a checkpoint, checking everything: the preamble, each tensor's
 * description against the file's size, each chunk's CRC32C, and the footer's record count and
 * whole-file CRC32C. Every problem is a {@link FormatException} naming the file, the record and
 * the tensor.
 *
 * <pre>
 *   try (CheckpointReader r = CheckpointReader.open(path)) {
 *     for (TensorInfo t; (t = r.next()) != null; ) {
 *       ByteBuffer data = r.readAll();      // or r.read(consumer) for tensors over 2 GiB
 *     }
 *   }                                       // next() returned null: the footer checked out
 * </pre>
 */
public final class CheckpointReader implements Closeable {
  /** Receives a tensor's data chunk by chunk. */
  public interface ChunkConsumer {
    void accept(byte[] data, long offset) throws IOException;
  }

  private final RecordFileReader in;
  private final CheckpointHeader header;
  private final Set<String> seen = new HashSet<>();
  private TensorInfo current;
  private long currentChunks;
  private boolean pending;
  private boolean finished;
  private long tensors;

  private CheckpointReader(Path file) throws IOException {
    in = new RecordFileReader(file, CheckpointFormat.FORMAT);
    try {
      CheckpointRecord first = nextKnown();
      if (first == null || first.getKindCase() != CheckpointRecord.KindCase.HEADER) {
        throw in.error("the first record is not a checkpoint header");
      }
      header = first.getHeader();
      if (header.getChunkBytes() < 1 || header.getChunkBytes() > CheckpointFormat.MAX_CHUNK_BYTES) {
        throw in.error("header: chunk_bytes = " + Integer.toUnsignedString(header.getChunkBytes()) + " is outside [1, "
            + CheckpointFormat.MAX_CHUNK_BYTES + "]");
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  public static CheckpointReader open(Path file) throws IOException {
    return new CheckpointReader(file);
  }

  public CheckpointHeader header() {
    return header;
  }

  public Path file() {
    return in.file();
  }

  /**
   * The next tensor, or null once the footer has been read and checked. Data of the previous
   * tensor that was not read is skipped (and still checked).
   */
  public TensorInfo next() throws IOException {
    if (pending) {
      read((data, offset) -> { });
    }
    if (finished) {
      return null;
    }
    CheckpointRecord r = nextKnown();
    if (r == null) {
      throw new FormatException(in.file(), "truncated: the file ends after record " + in.index() + " without a footer");
    }
    switch (r.getKindCase()) {
      case TENSOR -> {
        current = describe(r.getTensor());
        currentChunks = r.getTensor().getChunkCount();
        pending = true;
        tensors++;
        return current;
      }
      case FOOTER -> {
        in.checkFooter(r.getFooter());
        finished = true;
        return null;
      }
      default -> throw in.error("expected a tensor or the footer, found a " + r.getKindCase() + " record");
    }
  }

  private TensorInfo describe(TensorBegin t) throws FormatException {
    String name = t.getName();
    String what = "tensor '" + name + "'";
    if (name.isEmpty()) {
      throw in.error("a tensor has no name");
    }
    if (t.getDtype() == DType.UNRECOGNIZED || TensorInfo.itemSize(t.getDtype()) == 0) {
      throw in.error(what + ": unknown dtype " + t.getDtypeValue());
    }
    if (!seen.add(t.getRole() + "/" + name)) {
      throw in.error(what + " appears twice");
    }
    TensorInfo info;
    try {
      info = TensorInfo.of(name, t.getDtype(), t.getShapeList().stream().mapToLong(Long::longValue).toArray(), t.getRole());
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw in.error(what + ": absurd shape " + t.getShapeList());
    }
    if (info.byteLength() != t.getByteLength()) {
      throw in.error(what + ": byte_length " + Long.toUnsignedString(t.getByteLength()) + " disagrees with its shape "
          + t.getShapeList() + " of " + t.getDtype() + " (" + info.byteLength() + " bytes)");
    }
    if (info.byteLength() > in.remaining()) {
      throw in.error(what + " claims " + info.byteLength() + " bytes but only " + in.remaining()
          + " are left in the file");
    }
    long chunk = header.getChunkBytes();
    if (t.getChunkCount() != (info.byteLength() + chunk - 1) / chunk) {
      throw in.error(what + ": chunk_count " + Long.toUnsignedString(t.getChunkCount()) + " disagrees with "
          + info.byteLength() + " bytes in chunks of " + chunk);
    }
    return info;
  }

  /** Streams the current tensor's data; each chunk is checked before the consumer sees it. */
  public void read(ChunkConsumer consumer) throws IOException {
    if (!pending) {
      throw new IllegalStateException("no tensor data to read: call next() first");
    }
    pending = false;
    long chunk = header.getChunkBytes();
    long offset = 0;
    for (long i = 0; i < currentChunks; i++) {
      String what = "tensor '" + current.name() + "', chunk " + i;
      CheckpointRecord r = nextKnown();
      if (r == null) {
        throw new FormatException(in.file(), "truncated: the file ends inside " + what);
      }
      if (r.getKindCase() != CheckpointRecord.KindCase.CHUNK) {
        throw in.error(what + ": found a " + r.getKindCase() + " record");
      }
      TensorChunk c = r.getChunk();
      long expected = Math.min(chunk, current.byteLength() - offset);
      ByteString data = c.getData();
      if (c.getIndex() != i) {
        throw in.error(what + ": chunk index " + Long.toUnsignedString(c.getIndex()) + " out of order");
      }
      if (data.size() != expected) {
        throw in.error(what + ": " + data.size() + " bytes where " + expected + " are expected");
      }
      byte[] bytes = data.toByteArray();
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      if ((int) crc.getValue() != c.getCrc32C()) {
        throw in.error(what + ": CRC32C mismatch (corrupt data)");
      }
      consumer.accept(bytes, offset);
      offset += bytes.length;
    }
  }

  /** The current tensor's data in one little-endian buffer (tensors up to 2 GiB). */
  public ByteBuffer readAll() throws IOException {
    if (current == null || current.byteLength() > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("tensor " + current + " does not fit one buffer: use read(consumer)");
    }
    ByteBuffer all = ByteBuffer.allocate((int) current.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
    read((data, offset) -> all.put(data));
    return all.flip();
  }

  /** The current F32 tensor's values. */
  public float[] readFloats() throws IOException {
    if (current == null || current.dtype() != DType.F32) {
      throw new IllegalStateException("tensor " + current + " is not F32");
    }
    float[] values = new float[Math.toIntExact(current.elements())];
    readAll().asFloatBuffer().get(values);
    return values;
  }

  /** Tensors returned so far. */
  public long tensorCount() {
    return tensors;
  }

  private CheckpointRecord nextKnown() throws IOException {
    return in.next(CheckpointRecord.parser(), r -> r.getKindCase() != CheckpointRecord.KindCase.KIND_NOT_SET);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
