package dev.rcsd.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not what its format says it must be; the message names the file and the record. */
public class FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public FormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public FormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
