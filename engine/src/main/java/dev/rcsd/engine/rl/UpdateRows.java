package dev.rcsd.engine.rl;

import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import dev.rcsd.kernels.LossBatch;
import java.util.Arrays;
import java.util.List;

/**
 * The completion positions of a step's rollouts as kernel rows: the student's logits there (from
 * the update stage's forward pass), the sampled tokens, their sampling and reference log-probs,
 * and each rollout's group advantage. Teacher rows are rebuilt from the rollouts' stored top-k:
 * the stored log-probs where kept, -inf elsewhere (exact when every token was kept).
 */
public final class UpdateRows {
  final List<Rollout> rollouts;
  final int vocab;
  final int rows;
  final float[] student; // [N, V]
  final int[] tokens; // [N]
  final float[] old; // [N]
  final float[] reference; // [N]
  final float[] advantages; // [N], the group advantage of each row's rollout
  final int[] rollout; // [N], which rollout a row belongs to
  final int[] start; // [R + 1], first row of each rollout

  UpdateRows(List<Rollout> rollouts, int vocab, float[] student, float[] rolloutAdvantages) {
    this.rollouts = rollouts;
    this.vocab = vocab;
    this.student = student;
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
    }
  }

  /** Teacher context {@code k}'s rows over every rollout, [N, V]. */
  float[] teacher(int k) {
    float[] out = new float[rows * vocab];
    Arrays.fill(out, Float.NEGATIVE_INFINITY);
    for (int r = 0; r < rollouts.size(); r++) {
      fill(rollouts.get(r).getTeachers(k), out, start[r]);
    }
    return out;
  }

  /** Rows of rollout {@code r} only: its student rows and teacher context {@code k}'s rows. */
  float[] studentOf(int r) {
    return Arrays.copyOfRange(student, start[r] * vocab, start[r + 1] * vocab);
  }

  float[] teacherOf(int r, int k) {
    float[] out = new float[(start[r + 1] - start[r]) * vocab];
    Arrays.fill(out, Float.NEGATIVE_INFINITY);
    fill(rollouts.get(r).getTeachers(k), out, 0);
    return out;
  }

  private void fill(TeacherScores t, float[] out, int firstRow) {
    int k = t.getTopK();
    int length = t.getTokenLogprobsCount();
    for (int pos = 0; pos < length; pos++) {
      int base = (firstRow + pos) * vocab;
      for (int j = 0; j < k; j++) {
        out[base + t.getTopIds(pos * k + j)] = t.getTopLogprobs(pos * k + j);
      }
    }
  }

  /** A kernel batch over all rows with the given mask weights (and teachers, when asked). */
  LossBatch batch(float[] mask, float[][] teachers, float[] weights) {
    return LossBatch.builder(rows, vocab).studentLogits(student).teacherLogits(teachers).tokens(tokens).mask(mask)
        .criterionWeights(weights).oldLogprobs(old).refLogprobs(reference).seqAdvantages(advantages).build();
  }

  /**
   * Mask weights of a reduction: token-mean (every row 1: the mean over all tokens) or
   * seq-mean-token-mean (a row 1 / its sequence's length: the mean over sequences of each
   * sequence's token mean, as the kernels divide by the mask's sum).
   */
  float[] mask(String reduction) {
    float[] m = ones();
    if (reduction.equals(RunConfig.SEQ_MEAN_TOKEN_MEAN)) {
      for (int n = 0; n < rows; n++) {
        m[n] = 1f / (start[rollout[n] + 1] - start[rollout[n]]);
      }
    }
    return m;
  }

  float[] ones() {
    float[] m = new float[rows];
    Arrays.fill(m, 1f);
    return m;
  }
}
