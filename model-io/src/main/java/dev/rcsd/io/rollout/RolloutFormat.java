package dev.rcsd.io.rollout;

import dev.rcsd.io.RecordFormat;

/** Constants of the rollout format (rollouts.proto). */
public final class RolloutFormat {
  public static final RecordFormat FORMAT = new RecordFormat("rollout", "RCSDROLL", 1, 256 << 20);
  /**
   * 1: teachers may carry their reason-first analysis; 2: teachers may keep hidden states instead
   * of their top-k, with the frozen head named in the header (files of minor 0 and 1 read the same).
   */
  public static final int MINOR = 2;

  private RolloutFormat() {}
}
