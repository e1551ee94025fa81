package dev.rcsd.kernels;

import java.util.Arrays;

/**
 * The inputs of one kernel call: N token rows over a vocabulary of V, and K teacher contexts.
 *
 * <p>Arrays are flat, row-major and owned by the caller; the batch only checks their shapes. Which
 * arrays a kernel needs depends on the loss: GRPO reads no teacher, the distillation losses read
 * no old/ref log-probs. A kernel asking for an absent array gets an {@link InvalidInputException}
 * naming it. {@link #checkValues()} scans the values (NaN, +inf, a token on a -inf logit), which
 * costs a pass over the logits and is left to callers that read untrusted input.
 */
public final class LossBatch {
  public static final String STUDENT_LOGITS = "student_logits";
  public static final String TEACHER_LOGITS = "teacher_logits";
  public static final String TOKENS = "tokens";
  public static final String MASK = "mask";
  public static final String CRITERION_WEIGHTS = "criterion_weights";
  public static final String OLD_LOGPROBS = "old_logprobs";
  public static final String REF_LOGPROBS = "ref_logprobs";
  public static final String SEQ_ADVANTAGES = "seq_advantages";
  public static final String BLOCK = "block";

  private final int rows;
  private final int vocab;
  private final float[] studentLogits; // [N, V]
  private final float[][] teacherLogits; // [K][N, V]
  private final int[] tokens; // [N]
  private final float[] mask; // [N]
  private final float[] criterionWeights; // [K]
  private final float[] oldLogprobs; // [N]
  private final float[] refLogprobs; // [N]
  private final float[] seqAdvantages; // [N]
  private final double maskSum;
  private final int firstRow;
  private final int batchRows;

  private LossBatch(Builder b) {
    rows = b.rows;
    vocab = b.vocab;
    firstRow = b.firstRow;
    batchRows = b.batchRows < 0 ? rows : b.batchRows;
    if (firstRow < 0 || (long) firstRow + rows > batchRows) {
      throw new InvalidInputException(BLOCK,
          "rows [" + firstRow + ", " + ((long) firstRow + rows) + ") lie outside the batch's " + batchRows);
    }
    if (rows < 0 || vocab < 1 || (long) rows * vocab > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(STUDENT_LOGITS,
          "shape [" + rows + ", " + vocab + "] is empty or exceeds one Java array");
    }
    studentLogits = require(STUDENT_LOGITS, b.studentLogits, rows * vocab);
    tokens = b.tokens;
    if (tokens == null) {
      throw new InvalidInputException(TOKENS, "missing");
    }
    if (tokens.length != rows) {
      throw new InvalidInputException(TOKENS, "has " + tokens.length + " entries, expected N = " + rows);
    }
    for (int n = 0; n < rows; n++) {
      if (tokens[n] < 0 || tokens[n] >= vocab) {
        throw new InvalidInputException(TOKENS,
            "row " + n + " holds token id " + tokens[n] + ", outside [0, " + vocab + ")");
      }
    }
    mask = require(MASK, b.mask, rows);
    double m = 0;
    for (int n = 0; n < rows; n++) {
      if (!(mask[n] >= 0) || mask[n] == Float.POSITIVE_INFINITY) {
        throw new InvalidInputException(MASK, "row " + n + " is " + mask[n] + ", expected a finite weight >= 0");
      }
      m += mask[n];
    }
    if (Double.isNaN(b.batchMaskSum)) {
      maskSum = m;
    } else if (!(b.batchMaskSum >= m * (1 - 1e-6)) || Double.isInfinite(b.batchMaskSum)) {
      throw new InvalidInputException(BLOCK, "the batch's mask sum " + b.batchMaskSum
          + " is not finite or is below this block's own (" + m + ")");
    } else {
      maskSum = b.batchMaskSum;
    }
    teacherLogits = b.teacherLogits;
    if (teacherLogits != null) {
      for (int k = 0; k < teacherLogits.length; k++) {
        require(TEACHER_LOGITS + "[" + k + "]", teacherLogits[k], rows * vocab);
      }
    }
    criterionWeights = b.criterionWeights;
    if (criterionWeights != null) {
      int k = teacherLogits == null ? 0 : teacherLogits.length;
      if (criterionWeights.length != k) {
        throw new InvalidInputException(CRITERION_WEIGHTS,
            "has " + criterionWeights.length + " entries, expected K = " + k + " (one per teacher context)");
      }
    }
    oldLogprobs = optional(OLD_LOGPROBS, b.oldLogprobs, rows);
    refLogprobs = optional(REF_LOGPROBS, b.refLogprobs, rows);
    seqAdvantages = optional(SEQ_ADVANTAGES, b.seqAdvantages, rows);
  }

  private static float[] require(String name, float[] a, int length) {
    if (a == null) {
      throw new InvalidInputException(name, "missing");
    }
    return optional(name, a, length);
  }

  private static float[] optional(String name, float[] a, int length) {
    if (a != null && a.length != length) {
      throw new InvalidInputException(name, "has " + a.length + " elements, expected " + length);
    }
    return a;
  }

  public static Builder builder(int rows, int vocab) {
    return new Builder(rows, vocab);
  }

  /** N, the number of token rows. */
  public int rows() {
    return rows;
  }

  /** V, the vocabulary size. */
  public int vocab() {
    return vocab;
  }

  /** K, the number of teacher contexts (0 when no teacher was given). */
  public int contexts() {
    return teacherLogits == null ? 0 : teacherLogits.length;
  }

  /**
   * M = sum of the mask: of this batch, or for a block of a larger batch that batch's, which every
   * kernel divides by so that the losses and gradients of a batch's blocks are its own.
   */
  public double maskSum() {
    return maskSum;
  }

  /** The first of this batch's rows in the batch it is a block of (0 for a whole batch). */
  public int firstRow() {
    return firstRow;
  }

  /** The rows of the batch this one is a block of (N for a whole batch). */
  public int batchRows() {
    return batchRows;
  }

  /** Whether this batch is a block of a larger one. */
  public boolean isBlock() {
    return firstRow != 0 || batchRows != rows;
  }

  /**
   * Rows [from, to) as a block of this batch: copies of their slices, this batch's mask sum, and
   * the row offset {@code from}.
   */
  public LossBatch rows(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a batch of " + rows);
    }
    float[][] teachers = null;
    if (teacherLogits != null) {
      teachers = new float[teacherLogits.length][];
      for (int k = 0; k < teachers.length; k++) {
        teachers[k] = Arrays.copyOfRange(teacherLogits[k], from * vocab, to * vocab);
      }
    }
    return builder(to - from, vocab).block(firstRow + from, batchRows, maskSum)
        .studentLogits(Arrays.copyOfRange(studentLogits, from * vocab, to * vocab)).teacherLogits(teachers)
        .tokens(Arrays.copyOfRange(tokens, from, to)).mask(Arrays.copyOfRange(mask, from, to))
        .criterionWeights(criterionWeights).oldLogprobs(slice(oldLogprobs, from, to))
        .refLogprobs(slice(refLogprobs, from, to)).seqAdvantages(slice(seqAdvantages, from, to)).build();
  }

  private static float[] slice(float[] a, int from, int to) {
    return a == null ? null : Arrays.copyOfRange(a, from, to);
  }

  /** [N, V] */
  public float[] studentLogits() {
    return studentLogits;
  }

  /** [K][N, V]; throws when the batch has no teacher. */
  public float[][] teacherLogits() {
    if (teacherLogits == null || teacherLogits.length == 0) {
      throw new InvalidInputException(TEACHER_LOGITS, "missing: this loss needs at least one teacher context");
    }
    return teacherLogits;
  }

  /** [N] */
  public int[] tokens() {
    return tokens;
  }

  /** [N] */
  public float[] mask() {
    return mask;
  }

  /** [K] */
  public float[] criterionWeights() {
    teacherLogits();
    if (criterionWeights == null) {
      throw new InvalidInputException(CRITERION_WEIGHTS, "missing");
    }
    return criterionWeights;
  }

  /** [N] */
  public float[] oldLogprobs() {
    return present(OLD_LOGPROBS, oldLogprobs);
  }

  /** [N] */
  public float[] refLogprobs() {
    return present(REF_LOGPROBS, refLogprobs);
  }

  /** [N] */
  public float[] seqAdvantages() {
    return present(SEQ_ADVANTAGES, seqAdvantages);
  }

  private static float[] present(String name, float[] a) {
    if (a == null) {
      throw new InvalidInputException(name, "missing");
    }
    return a;
  }

  /**
   * Scans every value: logits must be finite or -inf, each row needs a finite logit, the student
   * logit at each row's token must be finite (a sampled token has probability > 0), and the
   * per-row arrays must be finite.
   */
  public LossBatch checkValues() {
    checkLogits(STUDENT_LOGITS, studentLogits);
    for (int n = 0; n < rows; n++) {
      if (studentLogits[n * vocab + tokens[n]] == Float.NEGATIVE_INFINITY) {
        throw new InvalidInputException(TOKENS,
            "row " + n + " holds token id " + tokens[n] + " whose student logit is -inf");
      }
    }
    if (teacherLogits != null) {
      for (int k = 0; k < teacherLogits.length; k++) {
        checkLogits(TEACHER_LOGITS + "[" + k + "]", teacherLogits[k]);
      }
    }
    checkFinite(CRITERION_WEIGHTS, criterionWeights);
    checkFinite(OLD_LOGPROBS, oldLogprobs);
    checkFinite(REF_LOGPROBS, refLogprobs);
    checkFinite(SEQ_ADVANTAGES, seqAdvantages);
    return this;
  }

  private void checkLogits(String name, float[] logits) {
    for (int n = 0; n < rows; n++) {
      boolean anyFinite = false;
      int base = n * vocab;
      for (int v = 0; v < vocab; v++) {
        float x = logits[base + v];
        if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) {
          throw new InvalidInputException(name, "row " + n + ", column " + v + " is " + x);
        }
        anyFinite |= x != Float.NEGATIVE_INFINITY;
      }
      if (!anyFinite) {
        throw new InvalidInputException(name, "row " + n + " has no finite logit");
      }
    }
  }

  private static void checkFinite(String name, float[] a) {
    if (a == null) {
      return;
    }
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new InvalidInputException(name, "element " + i + " is " + a[i]);
      }
    }
  }

  @Override
  public String toString() {
    String block = isBlock() ? ", rows " + firstRow + ".." + (firstRow + rows) + " of " + batchRows : "";
    return "LossBatch[N=" + rows + ", V=" + vocab + ", K=" + contexts() + ", M=" + maskSum + block + "]";
  }

  /** Collects the arrays; {@link #build()} checks their shapes. */
  public static final class Builder {
    private final int rows;
    private final int vocab;
    private float[] studentLogits;
    private float[][] teacherLogits;
    private int[] tokens;
    private float[] mask;
    private float[] criterionWeights;
    private float[] oldLogprobs;
    private float[] refLogprobs;
    private float[] seqAdvantages;
    private int firstRow;
    private int batchRows = -1;
    private double batchMaskSum = Double.NaN;

    private Builder(int rows, int vocab) {
      this.rows = rows;
      this.vocab = vocab;
    }

    /** [N, V] */
    public Builder studentLogits(float[] a) {
      studentLogits = a;
      return this;
    }

    /** [K][N, V] */
    public Builder teacherLogits(float[]... a) {
      teacherLogits = a;
      return this;
    }

    /** [N] */
    public Builder tokens(int[] a) {
      tokens = a;
      return this;
    }

    /** [N]; 0/1, or non-negative weights. */
    public Builder mask(float[] a) {
      mask = a;
      return this;
    }

    /** [K] */
    public Builder criterionWeights(float[] a) {
      criterionWeights = a;
      return this;
    }

    /** [N] */
    public Builder oldLogprobs(float[] a) {
      oldLogprobs = a;
      return this;
    }

    /** [N] */
    public Builder refLogprobs(float[] a) {
      refLogprobs = a;
      return this;
    }

    /** [N] */
    public Builder seqAdvantages(float[] a) {
      seqAdvantages = a;
      return this;
    }

    /**
     * Makes this batch rows [firstRow, firstRow + N) of a batch of {@code batchRows} rows whose mask
     * sums to {@code batchMaskSum}: the kernels then normalise by that sum, so the losses and
     * gradients of the blocks of a batch add up to the batch's (one kernel call per chunk of rows).
     */
    public Builder block(int firstRow, int batchRows, double batchMaskSum) {
      this.firstRow = firstRow;
      this.batchRows = batchRows;
      this.batchMaskSum = batchMaskSum;
      return this;
    }

    /** A mask of ones. */
    public Builder allRows() {
      mask = new float[rows];
      Arrays.fill(mask, 1f);
      return this;
    }

    public LossBatch build() {
      return new LossBatch(this);
    }
  }
}
