package dev.rcsd.cli;

import dev.rcsd.engine.rl.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A seeded random moment inside a training run in a child process, at which the run is frozen
 * (SIGSTOP) so that what a test does to it next (a kill, a signal, a second writer) cannot race
 * the run, however fast this machine is. The seed is {@code -Drcsd.test.seed} when given, else a
 * fresh one; {@link #describe} names it for failure messages, to rerun with.
 */
final class RunMoment {
  /** How a process is started for one try: a fresh run in an empty folder. */
  interface Start {
    Process start() throws Exception;
  }

  /** A frozen run: its process and the metrics lines it had written. */
  record Frozen(Process process, int lines) {
    /** Sends {@code signal} (e.g. TERM, KILL, CONT) to the process. */
    void signal(String signal) throws Exception {
      RunMoment.signal(process, signal);
    }
  }

  final long seed;
  private final SplittableRandom rnd;

  RunMoment() {
    String given = System.getProperty("rcsd.test.seed");
    seed = given != null ? Long.parseLong(given) : System.nanoTime();
    rnd = new SplittableRandom(seed);
  }

  String describe() {
    return "seed " + seed + " (rerun with -Drcsd.test.seed=" + seed + ")";
  }

  int nextInt(int bound) {
    return rnd.nextInt(bound);
  }

  static void signal(Process p, String signal) throws Exception {
    int code = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
    if (code != 0) {
      throw new IllegalStateException("kill -" + signal + " " + p.pid() + " exited with " + code);
    }
  }

  /**
   * Starts the run and freezes it {@code delayMs} after its metrics hold {@code lines} lines, at a
   * moment when it is alive with at most {@code maxLines} lines written. A try that comes too late
   * (the run got further, or ended) is thrown away and repeated with half the delay; the moment is
   * then earlier, never a different test.
   */
  Frozen freeze(Start start, Path run, int lines, int maxLines, long delayMs) throws Exception {
    Path metrics = run.resolve("metrics.jsonl");
    for (int attempt = 0; attempt < 8; attempt++, delayMs /= 2) {
      Process p = start.start();
      while (p.isAlive() && count(metrics) < lines) {
        Thread.sleep(10);
      }
      Thread.sleep(delayMs);
      if (p.isAlive()) {
        signal(p, "STOP");
      }
      int written = count(metrics);
      if (p.isAlive() && written <= maxLines) {
        return new Frozen(p, written);
      }
      System.err.println("RunMoment: try " + (attempt + 1) + " came too late (" + written + " lines, "
          + (p.isAlive() ? "running" : "ended") + "); again with a delay of " + delayMs / 2 + " ms; " + describe());
      p.destroyForcibly();
      p.waitFor();
      delete(run);
    }
    throw new AssertionError("no moment with at most " + maxLines + " metrics lines after 8 tries; " + describe());
  }

  private static int count(Path metrics) throws IOException {
    return Files.exists(metrics) ? MetricsLog.read(metrics).size() : 0;
  }

  private static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }
}
