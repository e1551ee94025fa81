package dev.rcsd.engine.rl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per folder: an operating-system lock on a file inside it ({@code .lock}), held for
 * as long as the writing process runs. The OS releases it when the process ends in any way, so a
 * {@code kill -9} never leaves a stale lock; the file itself stays (it only names the last holder).
 *
 * <pre>
 *   try (RunLock lock = RunLock.acquire(runDir)) { ... write the run ... }
 * </pre>
 */
public final class RunLock implements AutoCloseable {
  public static final String FILE = ".lock";
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code folder} (creating it), or fails at once naming the process that holds it. */
  public static RunLock acquire(Path folder) throws IOException {
    return acquire(folder, FILE, folder.toString());
  }

  /** Locks the file {@code output} is written to, through {@code OUTPUT.lock} beside it. */
  public static RunLock forFile(Path output) throws IOException {
    Path abs = output.toAbsolutePath();
    return acquire(abs.getParent(), abs.getFileName() + ".lock", output.toString());
  }

  private static RunLock acquire(Path folder, String name, String what) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(name);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) { // this process holds it already
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw new IOException(file + ": cannot lock it: " + e.getMessage(), e);
    }
    if (lock == null) {
      String holder = holder(ch);
      ch.close();
      throw new FolderLockedException(what + " is in use by " + holder + " (lock " + file
          + "); one process writes it at a time");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
        0);
    ch.force(false);
    return new RunLock(ch, lock);
  }

  /** "process N" from the lock file, or a generic name when it is being written. */
  private static String holder(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(64);
    ch.read(b, 0);
    String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
    return text.startsWith("pid ") ? "process " + text.substring(4) : "another process";
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  /** A folder (or output file) another process is writing. */
  public static final class FolderLockedException extends IOException {
    FolderLockedException(String message) {
      super(message);
    }
  }
}
