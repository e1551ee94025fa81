package dev.rcsd.engine.task;

import java.util.SplittableRandom;

/**
 * A kind of problem: draws numbers, returns the problem in one of its phrasings. Two draws with
 * the same {@link Draw#key()} are the same problem (whatever the phrasing), which is what keeps the
 * train and test splits apart.
 */
interface Template {
  String id();

  /** Reasoning steps of its solutions. */
  int steps();

  /** A fresh problem, or null when the numbers drawn do not work out (the caller draws again). */
  Draw draw(SplittableRandom rnd);

  /** A drawn problem and the (template, numbers) key of its split. */
  record Draw(String key, Problem problem) {}
}
