package dev.rcsd.engine.rl;

import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import dev.rcsd.kernels.LossBatch;
import java.util.Arrays;
import java.util.List;

/**
 * The completion positions of a step's rollouts as kernel rows: the sampled tokens, their
 * sampling and reference log-probs, and each rollout's group advantage. The student's logits
 * come one {@link Block} of rows at a time (the update never holds all of them), and teacher rows
 * are rebuilt for a block from what the rollouts stored: the top-k log-probs where kept and -inf
 * elsewhere, or the whole distribution's logits from stored hidden states and the frozen head.
 */
public final class UpdateRows {
  final List<Rollout> rollouts;
  final int vocab;
  final int rows;
  final int[] tokens; // [N]
  final float[] old; // [N]
  final float[] reference; // [N]
  final float[] advantages; // [N], the group advantage of each row's rollout
  final int[] rollout; // [N], which rollout a row belongs to
  final int[] start; // [R + 1], first row of each rollout
  /** [N] what a method reports per row as its teacher divergence (filled block by block). */
  final float[] divergence;
  /** [N] the student's log-probs at the sampling temperature (filled block by block). */
  final float[] studentLogprobs;
  /** The frozen head that teachers' stored hidden states go through, or null when none are stored. */
  private final TeacherHead head;

  /** [N] 1 for a token in the loss, 0 for one left out (thinking, when masked). */
  private final float[] weight;

  UpdateRows(List<Rollout> rollouts, int vocab, float[] rolloutAdvantages) {
    this(rollouts, vocab, rolloutAdvantages, null, new int[0]);
  }

  UpdateRows(List<Rollout> rollouts, int vocab, float[] rolloutAdvantages, TeacherHead head) {
    this(rollouts, vocab, rolloutAdvantages, head, new int[0]);
  }

  /**
   * @param think {@code <think>} and {@code </think>}'s ids: tokens from one to the other, both
   *     included, weigh 0 in every loss (an unclosed block runs to the end); empty: none does
   */
  UpdateRows(List<Rollout> rollouts, int vocab, float[] rolloutAdvantages, TeacherHead head, int[] think) {
    this.rollouts = rollouts;
    this.vocab = vocab;
    this.head = head;
    start = new int[rollouts.size() + 1];
    for (int r = 0; r < rollouts.size(); r++) {
      start[r + 1] = start[r] + rollouts.get(r).getCompletionTokensCount();
    }
    rows = start[rollouts.size()];
    tokens = new int[rows];
    old = new float[rows];
    reference = new float[rows];
    advantages = new float[rows];
    rollout = new int[rows];
    divergence = new float[rows];
    studentLogprobs = new float[rows];
    weight = new float[rows];
    for (int r = 0; r < rollouts.size(); r++) {
      Rollout x = rollouts.get(r);
      for (int i = 0; i < x.getCompletionTokensCount(); i++) {
        int n = start[r] + i;
        tokens[n] = x.getCompletionTokens(i);
        old[n] = x.getSamplingLogprobs(i);
        reference[n] = x.getReferenceLogprobsCount() > 0 ? x.getReferenceLogprobs(i) : old[n];
        advantages[n] = rolloutAdvantages[r];
        rollout[n] = r;
      }
      boolean thinking = false;
      for (int i = 0; i < x.getCompletionTokensCount(); i++) {
        int t = x.getCompletionTokens(i);
        boolean opens = think.length == 2 && t == think[0];
        weight[start[r] + i] = thinking || opens ? 0f : 1f;
        thinking = (thinking || opens) && !(think.length == 2 && t == think[1]);
      }
    }
  }

  /** The most teacher contexts any rollout was scored under. */
  int maxContexts() {
    return rollouts.stream().mapToInt(Rollout::getTeachersCount).max().orElse(0);
  }

  /** Rows [from, to) with the student's logits there, [to - from, V]. */
  Block block(int from, int to, float[] student) {
    return new Block(from, to, student);
  }

  /** A chunk of rows with the student's logits at them. */
  final class Block {
    final int from;
    final int to;
    final float[] student; // [to - from, V]

    private Block(int from, int to, float[] student) {
      if (student.length != (to - from) * vocab) {
        throw new IllegalArgumentException(student.length + " student logits for rows " + from + ".." + to);
      }
      this.from = from;
      this.to = to;
      this.student = student;
    }

    int size() {
      return to - from;
    }

    /** Teacher context {@code k}'s rows of every rollout in the block, [to - from, V]. */
    float[] teacher(int k) {
      return teacher(from, to, k);
    }

    /** Teacher context {@code k}'s rows [a, b) (inside the block; of rollouts scored under k), [b - a, V]. */
    float[] teacher(int a, int b, int k) {
      float[] out = new float[(b - a) * vocab];
      Arrays.fill(out, Float.NEGATIVE_INFINITY);
      for (int r = rollout(a); r < rollouts.size() && start[r] < b; r++) {
        int first = Math.max(a, start[r]);
        int last = Math.min(b, start[r + 1]);
        fill(rollouts.get(r).getTeachers(k), first - start[r], last - start[r], out, first - a);
      }
      return out;
    }

    /** The student's logits at rows [a, b) of the block. */
    float[] student(int a, int b) {
      return a == from && b == to ? student : Arrays.copyOfRange(student, (a - from) * vocab, (b - from) * vocab);
    }

    /**
     * A kernel batch over the block's rows as rows of the whole step (normalised by the sum of
     * {@code mask} [N] over every row) with the given teachers [K][rows, V] and weights.
     */
    LossBatch batch(float[] mask, float[][] teachers, float[] weights) {
      return batch(from, to, student, mask, teachers, weights);
    }

    /** As {@link #batch(float[], float[][], float[])} with other student logits for the block's rows. */
    LossBatch batch(int a, int b, float[] studentRows, float[] mask, float[][] teachers, float[] weights) {
      return LossBatch.builder(b - a, vocab).block(a, rows, sum(mask)).studentLogits(studentRows)
          .teacherLogits(teachers).tokens(Arrays.copyOfRange(tokens, a, b)).mask(Arrays.copyOfRange(mask, a, b))
          .criterionWeights(weights).oldLogprobs(Arrays.copyOfRange(old, a, b))
          .refLogprobs(Arrays.copyOfRange(reference, a, b)).seqAdvantages(Arrays.copyOfRange(advantages, a, b))
          .build();
    }
  }

  /** The rollout that row {@code n} belongs to. */
  int rollout(int n) {
    int r = Arrays.binarySearch(start, n);
    if (r < 0) {
      return -r - 2;
    }
    while (r + 1 < start.length && start[r + 1] == n) { // skip empty rollouts
      r++;
    }
    return r;
  }

  private void fill(TeacherScores t, int firstPos, int endPos, float[] out, int firstRow) {
    if (t.getHiddenSize() > 0) { // the whole distribution: logits from the stored hidden states
      if (head == null) {
        throw new IllegalArgumentException("teacher '" + t.getContext()
            + "' kept hidden states, but the update was given no frozen head to turn them into logits");
      }
      int h = t.getHiddenSize();
      if (h != head.hiddenSize()) {
        throw new IllegalArgumentException("teacher '" + t.getContext() + "' kept hidden states of size " + h
            + ", the frozen head takes " + head.hiddenSize());
      }
      float[] hidden = new float[(endPos - firstPos) * h];
      for (int i = 0; i < hidden.length; i++) {
        hidden[i] = t.getHiddenStates(firstPos * h + i);
      }
      head.logits(hidden, endPos - firstPos, out, firstRow * vocab);
      return;
    }
    int k = t.getTopK();
    for (int pos = firstPos; pos < endPos; pos++) {
      int base = (firstRow + pos - firstPos) * vocab;
      for (int j = 0; j < k; j++) {
        out[base + t.getTopIds(pos * k + j)] = t.getTopLogprobs(pos * k + j);
      }
    }
  }

  /**
   * Mask weights of a reduction: token-mean (every row 1: the mean over all tokens) or
   * seq-mean-token-mean (a row 1 / its sequence's length: the mean over sequences of each
   * sequence's token mean, as the kernels divide by the mask's sum).
   */
  float[] mask(String reduction) {
    float[] m = ones();
    if (reduction.equals(RunConfig.SEQ_MEAN_TOKEN_MEAN)) {
      float[] counted = new float[rollouts.size()];
      for (int n = 0; n < rows; n++) {
        counted[rollout[n]] += m[n];
      }
      for (int n = 0; n < rows; n++) {
        m[n] = m[n] == 0 ? 0f : 1f / counted[rollout[n]];
      }
    }
    return m;
  }

  /** Every row's weight in a token mean: 1, or 0 for a token left out of the loss. */
  float[] ones() {
    return weight.clone();
  }

  static double sum(float[] a) {
    double s = 0;
    for (float x : a) {
      s += x;
    }
    return s;
  }

  static double mean(float[] a) {
    return a.length == 0 ? Double.NaN : sum(a) / a.length;
  }
}
