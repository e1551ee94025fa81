package dev.rcsd.io.rollout;

import dev.rcsd.io.RecordFormat;

/** Constants of the rollout format (rollouts.proto). */
public final class RolloutFormat {
  public static final RecordFormat FORMAT = new RecordFormat("rollout", "RCSDROLL", 1, 256 << 20);
  public static final int MINOR = 0;

  private RolloutFormat() {}
}
