package dev.rcsd.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a loop of steps: a progress bar with the step, a message (loss, reward, tokens/s)
 * and the ETA on a terminal; a plain log line every {@code every} steps otherwise (CI, files).
 */
final class StepProgress implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter log;
  private final int total;
  private final int every;

  private StepProgress(ProgressBar bar, PrintWriter log, int total, int every) {
    this.bar = bar;
    this.log = log;
    this.total = total;
    this.every = every;
  }

  static StepProgress start(String task, int total, PrintWriter log) {
    boolean terminal = System.console() != null;
    ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build() : null;
    return new StepProgress(bar, log, total, Math.max(1, total / 20));
  }

  /** Step {@code done} of the total finished, with a one-line summary of it. */
  void step(int done, String message) {
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(message);
    } else if (done % every == 0 || done == total) {
      log.printf("step %d/%d  %s%n", done, total, message);
      log.flush();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
