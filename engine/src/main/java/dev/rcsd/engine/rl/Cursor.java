package dev.rcsd.engine.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where a run is in its training problems: epoch and position in that epoch's order, which is a
 * shuffle seeded by (run seed, epoch). Saved in checkpoints; nothing else about the order is state.
 */
public record Cursor(long epoch, long position) {
  public static final Cursor START = new Cursor(0, 0);

  /** The next {@code n} problem indices of {@code size}, and the cursor after them. */
  public Next next(int n, int size, long seed) {
    List<Integer> out = new ArrayList<>(n);
    long e = epoch;
    long p = position;
    int[] order = order(e, size, seed);
    while (out.size() < n) {
      if (p >= size) {
        e++;
        p = 0;
        order = order(e, size, seed);
      }
      out.add(order[(int) p++]);
    }
    return new Next(out, new Cursor(e, p));
  }

  public record Next(List<Integer> indices, Cursor cursor) {}

  static int[] order(long epoch, int size, long seed) {
    int[] o = new int[size];
    for (int i = 0; i < size; i++) {
      o[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = size - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return o;
  }
}
