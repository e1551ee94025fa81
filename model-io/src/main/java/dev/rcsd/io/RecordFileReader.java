package dev.rcsd.io;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.rcsd.io.proto.Footer;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Reads the records of a record file (see common.proto) one at a time, never trusting a length:
 * a record may not be longer than the format allows nor than what is left of the file, so a lying
 * length is an error, not an allocation. Keeps the CRC32C of everything read so that the format can
 * check its footer.
 */
public final class RecordFileReader implements Closeable {
  private final Path file;
  private final RecordFormat format;
  private final InputStream in;
  private final long size;
  private final CRC32C crc = new CRC32C();
  private long position;
  private long records;
  private int crcBeforeRecord;

  public RecordFileReader(Path file, RecordFormat format) throws IOException {
    this.file = file;
    this.format = format;
    this.size = Files.size(file);
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      if (size < RecordFormat.PREAMBLE_BYTES) {
        throw new FormatException(file, "not a " + format.name() + " file: only " + size + " bytes");
      }
      byte[] preamble = readFully(RecordFormat.PREAMBLE_BYTES, "preamble");
      if (!Arrays.equals(Arrays.copyOf(preamble, 8), format.magicBytes())) {
        throw new FormatException(file, "not a " + format.name() + " file: wrong magic");
      }
      int major = ByteBuffer.wrap(preamble, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (major != format.major()) {
        throw new FormatException(file, format.name() + " format version " + Integer.toUnsignedString(major)
            + " is not supported: this build reads version " + format.major());
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * The next record's bytes, or null at the end of the file. The CRC and count of everything
   * before this record stay available through {@link #crcBeforeRecord()} and {@link #index()}.
   */
  public byte[] next() throws IOException {
    crcBeforeRecord = (int) crc.getValue();
    int first = in.read();
    if (first < 0) {
      return null;
    }
    crc.update(first);
    position++;
    long length = first & 0x7f;
    int shift = 7;
    int b = first;
    while ((b & 0x80) != 0) {
      b = in.read();
      if (b < 0) {
        throw new FormatException(file, "truncated inside the length of record " + records);
      }
      crc.update(b);
      position++;
      if (shift > 28) {
        throw new FormatException(file, "record " + records + " has an absurd length (varint over 5 bytes)");
      }
      length |= (long) (b & 0x7f) << shift;
      shift += 7;
    }
    if (length > format.maxRecordBytes()) {
      throw new FormatException(file, "record " + records + " claims " + length + " bytes, over the "
          + format.name() + " limit of " + format.maxRecordBytes());
    }
    if (length > size - position) {
      throw new FormatException(file, "record " + records + " claims " + length + " bytes but the file has "
          + (size - position) + " left: truncated or corrupt");
    }
    byte[] data = readFully((int) length, "record " + records);
    records++;
    return data;
  }

  private byte[] readFully(int n, String what) throws IOException {
    byte[] data = in.readNBytes(n);
    if (data.length != n) {
      throw new FormatException(file, "truncated inside " + what);
    }
    crc.update(data, 0, n);
    position += n;
    return data;
  }

  /**
   * The next record parsed with {@code parser}, skipping records of kinds this build does not
   * know ({@code known} false): they come from a newer minor version. Null at the end of the file.
   */
  public <T> T next(Parser<T> parser, Predicate<T> known) throws IOException {
    while (true) {
      byte[] bytes = next();
      if (bytes == null) {
        return null;
      }
      T record;
      try {
        record = parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw error("malformed record: " + e.getMessage());
      }
      if (known.test(record)) {
        return record;
      }
    }
  }

  /** Checks the footer just read against what preceded it, and that nothing follows it. */
  public void checkFooter(Footer footer) throws IOException {
    if (footer.getRecordCount() != index()) {
      throw error("footer: record_count " + Long.toUnsignedString(footer.getRecordCount()) + " but " + index()
          + " records precede it");
    }
    if (footer.getFileCrc32C() != crcBeforeRecord) {
      throw error("footer: file CRC32C mismatch (the file is corrupt)");
    }
    if (remaining() != 0) {
      throw error(remaining() + " bytes of data after the footer");
    }
  }

  /** Index of the record last returned by {@link #next()} (the header is record 0). */
  public long index() {
    return records - 1;
  }

  /** CRC32C of every byte before the record last returned. */
  public int crcBeforeRecord() {
    return crcBeforeRecord;
  }

  /** Bytes of the file not yet read. */
  public long remaining() {
    return size - position;
  }

  public Path file() {
    return file;
  }

  /** A format error at the record last returned. */
  public FormatException error(String problem) {
    return new FormatException(file, "record " + index() + ": " + problem);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
