package dev.rcsd.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM (a scheduler's stop) for commands that write runs: the first asks
 * the run to stop at its next safe point (after the step in progress, with a checkpoint of it);
 * a second stops the process at once. The process then exits with 128 + the signal's number
 * (130 for SIGINT, 143 for SIGTERM), as a shell reports a process ended by that signal.
 */
final class StopSignals implements AutoCloseable {
  private static final List<String> NAMES = List.of("INT", "TERM");
  private final PrintWriter err;
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile int received;

  private StopSignals(PrintWriter err) {
    this.err = err;
  }

  /** Installs the handlers until {@link #close()}. */
  static StopSignals install(PrintWriter err) {
    StopSignals s = new StopSignals(err);
    for (String name : NAMES) {
      Signal sig = new Signal(name);
      s.signals.add(sig);
      s.previous.add(Signal.handle(sig, s::handle));
    }
    return s;
  }

  private void handle(Signal sig) {
    if (received != 0) {
      Runtime.getRuntime().halt(128 + sig.getNumber());
    }
    received = sig.getNumber();
    err.println("rcsd: SIG" + sig.getName() + ": stopping after the step in progress with a checkpoint of it"
        + " (a second signal stops at once)");
    err.flush();
  }

  /** Whether a first signal arrived. */
  boolean requested() {
    return received != 0;
  }

  /** The exit status after a stop by signal. */
  int exitCode() {
    return 128 + received;
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
