package dev.rcsd.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line in-process, with its exit code and what it printed. */
public record CliRun(int code, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Rcsd.run(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
