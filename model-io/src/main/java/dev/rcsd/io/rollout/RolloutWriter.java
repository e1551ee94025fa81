package dev.rcsd.io.rollout;

import dev.rcsd.io.RecordFileWriter;
import dev.rcsd.io.proto.BatchHeader;
import dev.rcsd.io.proto.Footer;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.RolloutRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/** Writes one batch of rollouts; the file appears complete on {@link #commit()} or not at all. */
public final class RolloutWriter implements Closeable {
  private final RecordFileWriter out;

  private RolloutWriter(Path target, BatchHeader header) throws IOException {
    out = new RecordFileWriter(target, RolloutFormat.FORMAT);
    try {
      out.write(RolloutRecord.newBuilder().setHeader(header.toBuilder().setFormatMinor(RolloutFormat.MINOR)).build());
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  public static RolloutWriter create(Path target, BatchHeader header) throws IOException {
    return new RolloutWriter(target, header);
  }

  public void write(Rollout rollout) throws IOException {
    out.write(RolloutRecord.newBuilder().setRollout(rollout).build());
  }

  /** Rollouts written so far. */
  public long count() {
    return out.recordCount() - 1;
  }

  public void commit() throws IOException {
    out.commit(RolloutRecord.newBuilder()
        .setFooter(Footer.newBuilder().setRecordCount(out.recordCount()).setFileCrc32C(out.crc()))
        .build());
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
