package dev.rcsd.io.rollout;

import dev.rcsd.io.RecordFormat;

/** Constants of the rollout format (rollouts.proto). */
public final class RolloutFormat {
  public static final RecordFormat FORMAT = new RecordFormat("rollout", "RCSDROLL", 1, 256 << 20);
  /** 1: teachers may carry their reason-first analysis (files of minor 0 read the same). */
  public static final int MINOR = 1;

  private RolloutFormat() {}
}
