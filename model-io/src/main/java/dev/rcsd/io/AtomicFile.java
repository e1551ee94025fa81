package dev.rcsd.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file so that its final name only ever holds a complete file: the bytes go to a
 * temporary file beside it, which is flushed, fsynced and then renamed over the target. A failed
 * or interrupted write leaves the previous file (if any) untouched and removes the temporary.
 *
 * <pre>
 *   try (AtomicFile f = AtomicFile.create(path)) {
 *     write(f.stream());
 *     f.commit();
 *   }                      // not committed: the temporary is deleted
 * </pre>
 */
public final class AtomicFile implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final OutputStream stream;
  private boolean committed;
  private long written;

  private AtomicFile(Path target) throws IOException {
    this.target = target;
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    this.temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
    this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    OutputStream raw = new FilterOutputStream(Channels.newOutputStream(channel)) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          Faults.check(target, written, len);
          out.write(b, off, len);
        } catch (IOException e) {
          throw writeFailed(target, written + len, e);
        }
        written += len;
      }

      @Override
      public void close() {
        // the channel is closed by AtomicFile, after fsync
      }
    };
    this.stream = new BufferedOutputStream(raw, 1 << 20);
  }

  /**
   * The error of a write to {@code target} that failed after {@code needed} bytes of it: it names
   * the file, and when the file system is full, how much it needed and how much is free.
   */
  public static IOException writeFailed(Path target, long needed, IOException cause) {
    long free = -1;
    try {
      free = Files.getFileStore(target.toAbsolutePath().getParent()).getUsableSpace();
    } catch (IOException | SecurityException ignored) {
      // the free space is a hint only
    }
    String text = String.valueOf(cause.getMessage());
    boolean full = text.contains("No space left") || text.contains("Disk quota") || free >= 0 && free < needed;
    return new IOException(target + ": " + (full ? "out of disk space: writing it needed at least " + needed
        + " bytes, " + (free < 0 ? "an unknown amount" : free + " bytes") + " free (" + text + ")"
        : "write failed after " + needed + " bytes: " + text) + "; the previous " + target.getFileName()
        + ", if any, is unchanged", cause);
  }

  /** Injected write failures, for tests of what a full disk does. */
  public static final class Faults {
    private static volatile String name;
    private static volatile long after;

    private Faults() {}

    /**
     * Writes of any file called {@code fileName} fail with "No space left on device" once {@code bytes}
     * of it are written; null turns the fault off.
     */
    public static void diskFullWhileWriting(String fileName, long bytes) {
      after = bytes;
      name = fileName;
    }

    static void check(Path target, long written, int len) throws IOException {
      String n = name;
      if (n != null && target.getFileName().toString().equals(n) && written + len > after) {
        throw new IOException("No space left on device (injected)");
      }
    }
  }

  public static AtomicFile create(Path target) throws IOException {
    return new AtomicFile(target);
  }

  /** Where to write the content. Closing it is harmless; {@link #commit()} flushes it. */
  public OutputStream stream() {
    return stream;
  }

  /** The file that will appear on commit. */
  public Path target() {
    return target;
  }

  /** Flushes, fsyncs and renames the temporary over the target, then fsyncs the directory. */
  public void commit() throws IOException {
    stream.flush();
    channel.force(true);
    channel.close();
    publishable(temp, target);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * The temporary is private (0600) while written; the published file gets the permissions of
   * the file it replaces, or rw-r--r-- like any file the user creates.
   */
  private static void publishable(Path temp, Path target) throws IOException {
    if (!temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
        : PosixFilePermissions.fromString("rw-r--r--");
    Files.setPosixFilePermissions(temp, perms);
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // not every platform can open a directory for fsync; the rename itself is already atomic
    }
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
