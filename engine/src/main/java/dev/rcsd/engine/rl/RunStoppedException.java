package dev.rcsd.engine.rl;

import java.nio.file.Path;

/** A run stopped on request (a signal) at a safe point: its last finished step is checkpointed. */
public final class RunStoppedException extends RuntimeException {
  private final long step;

  RunStoppedException(Path run, long step) {
    super(run + ": stopped on request after step " + step + (step == 0 ? "" : ", checkpointed")
        + "; continue with --resume");
    this.step = step;
  }

  /** The last finished step. */
  public long step() {
    return step;
  }
}
