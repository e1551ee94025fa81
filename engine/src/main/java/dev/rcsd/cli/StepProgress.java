package dev.rcsd.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a loop of steps: a progress bar with the step, a message (loss, reward, tokens/s)
 * and the ETA on a terminal; otherwise (CI, files) a plain log line every 5% of the steps, with
 * the ETA from the pace so far.
 */
final class StepProgress implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter log;
  private final String task;
  private final int total;
  private final int every;
  private final long started = System.nanoTime();
  private final long first;

  private StepProgress(ProgressBar bar, PrintWriter log, String task, long first, int total) {
    this.bar = bar;
    this.log = log;
    this.task = task;
    this.first = first;
    this.total = total;
    this.every = Math.max(1, total / 20);
  }

  static StepProgress start(String task, int total, PrintWriter log) {
    return start(task, 0, total, log);
  }

  /** A loop of {@code total} steps of which {@code done} are done already (a resumed run). */
  static StepProgress start(String task, long done, int total, PrintWriter log) {
    boolean terminal = System.console() != null;
    ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .startsFrom(done, Duration.ZERO).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build() : null;
    return new StepProgress(bar, log, task, done, total);
  }

  /** Step {@code done} of the total finished, with a one-line summary of it. */
  void step(int done, String message) {
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(message);
    } else if (done % every == 0 || done == total) {
      double seconds = (System.nanoTime() - started) / 1e9;
      long eta = Math.round(seconds / Math.max(1, done - first) * (total - done));
      log.printf(Locale.ROOT, "%s %d/%d  %s  eta %s%n", task, done, total, message, clock(eta));
      log.flush();
    }
  }

  static String clock(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
