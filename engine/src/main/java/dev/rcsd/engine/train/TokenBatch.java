package dev.rcsd.engine.train;

import java.util.List;

/**
 * Sequences of prompt + completion tokens laid out for one forward pass, right-padded:
 *
 * <pre>
 *   row b:  [prompt_b | completion_b | pad ...]    positions 0, 1, ... ; padding is masked out
 *   targets[b][t] = the token at t + 1 when it is a completion token (a loss position), else -1
 * </pre>
 */
public final class TokenBatch {
  public final int rows;
  public final int width;
  public final long[] tokens; // [B, T]
  public final long[] positions; // [B, T]
  public final boolean[][] valid; // [B][T]
  public final int[] targets; // [B * T], -1 where no loss

  private TokenBatch(int rows, int width) {
    this.rows = rows;
    this.width = width;
    tokens = new long[rows * width];
    positions = new long[rows * width];
    valid = new boolean[rows][width];
    targets = new int[rows * width];
    java.util.Arrays.fill(targets, -1);
  }

  /** A sequence: its prompt tokens and the completion tokens the loss is taken on. */
  public record Sequence(int[] prompt, int[] completion) {
    public int length() {
      return prompt.length + completion.length;
    }
  }

  public static TokenBatch of(List<Sequence> sequences) {
    int width = sequences.stream().mapToInt(Sequence::length).max().orElseThrow();
    TokenBatch b = new TokenBatch(sequences.size(), width);
    for (int r = 0; r < sequences.size(); r++) {
      Sequence s = sequences.get(r);
      int base = r * width;
      for (int t = 0; t < s.length(); t++) {
        b.tokens[base + t] = t < s.prompt().length ? s.prompt()[t] : s.completion()[t - s.prompt().length];
        b.positions[base + t] = t;
        b.valid[r][t] = true;
      }
      // the completion's tokens are predicted from the position before each of them
      for (int c = 0; c < s.completion().length; c++) {
        b.targets[base + s.prompt().length - 1 + c] = s.completion()[c];
      }
    }
    return b;
  }

  /** Positions carrying a loss. */
  public int targetCount() {
    int n = 0;
    for (int t : targets) {
      n += t >= 0 ? 1 : 0;
    }
    return n;
  }
}
