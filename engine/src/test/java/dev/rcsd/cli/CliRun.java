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

  /**
   * The command line in a process of its own (for signals, locks and the console), on this JVM's
   * class path; its stdout goes to {@code out}, its stderr to {@code err} (or also to {@code out} when null).
   */
  public static Process process(java.nio.file.Path out, java.nio.file.Path err, String... args)
      throws java.io.IOException {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-Xmx2g",
        "-cp", System.getProperty("java.class.path"), Rcsd.class.getName()));
    command.addAll(java.util.List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).redirectOutput(out.toFile());
    if (err == null) {
      b.redirectErrorStream(true);
    } else {
      b.redirectError(err.toFile());
    }
    return b.start();
  }
}
