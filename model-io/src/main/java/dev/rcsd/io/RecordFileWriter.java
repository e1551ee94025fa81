package dev.rcsd.io;

import com.google.protobuf.MessageLite;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes a record file (see common.proto) atomically: records go to a temporary file with a running
 * CRC32C; {@link #commit} appends the footer the format builds from {@link #recordCount()} and
 * {@link #crc()}, syncs and renames. Closing without committing leaves no file behind.
 */
public final class RecordFileWriter implements Closeable {
  private final RecordFormat format;
  private final AtomicFile file;
  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private long records;

  public RecordFileWriter(Path target, RecordFormat format) throws IOException {
    this.format = format;
    this.file = AtomicFile.create(target);
    this.out = new FilterOutputStream(file.stream()) {
      @Override
      public void write(int b) throws IOException {
        crc.update(b);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        out.write(b, off, len);
      }
    };
    out.write(format.magicBytes());
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(format.major()).array());
  }

  /** Appends one record. */
  public void write(MessageLite record) throws IOException {
    int size = record.getSerializedSize();
    if (size > format.maxRecordBytes()) {
      throw new IOException(file.target() + ": record " + records + " has " + size + " bytes, over the "
          + format.name() + " limit of " + format.maxRecordBytes());
    }
    record.writeDelimitedTo(out);
    records++;
  }

  /** Records written so far. */
  public long recordCount() {
    return records;
  }

  /** CRC32C of every byte written so far. */
  public int crc() {
    return (int) crc.getValue();
  }

  /** Writes the footer record (built from the count and CRC above) and publishes the file. */
  public void commit(MessageLite footerRecord) throws IOException {
    footerRecord.writeDelimitedTo(out);
    out.flush();
    file.commit();
  }

  public Path target() {
    return file.target();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
