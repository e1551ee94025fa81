package dev.rcsd.kernels;

/** The kernels of the library by name, with the memory traffic each one cannot avoid. */
public enum LossKernel {
  /** {@link TokenLogProbs}: reads the student and every teacher row, writes O(N). */
  TOKEN_LOGPROBS("token_logprobs", true, false),
  /** {@link GeneralizedJsd}: reads student and teachers, writes the gradient. */
  JSD("jsd", true, true),
  /** {@link TopKDistillation}: reads the teachers (the student only at the top-k), writes the gradient. */
  TOPK("topk", false, true),
  /** {@link RubricAdvantage}: reads student and teachers, writes the gradient. */
  RUBRIC_ADVANTAGE("pg", true, true),
  /** {@link GrpoLoss}: reads the student, writes the gradient. */
  GRPO("grpo", true, true);

  private final String id;
  private final boolean readsStudentRows;
  private final boolean writesGradient;

  LossKernel(String id, boolean readsStudentRows, boolean writesGradient) {
    this.id = id;
    this.readsStudentRows = readsStudentRows;
    this.writesGradient = writesGradient;
  }

  /** The suffix of its outputs in golden-tensor files: {@code loss_<id>}, {@code grad_<id>}. */
  public String id() {
    return id;
  }

  /** How many [N, V] float arrays a call reads in full. */
  public int arraysRead(int contexts) {
    int teachers = this == GRPO ? 0 : contexts;
    return teachers + (readsStudentRows ? 1 : 0);
  }

  public boolean writesGradient() {
    return writesGradient;
  }

  /** Bytes a call must move at least: each [N, V] input read once, the gradient written once. */
  public long compulsoryBytes(int rows, int vocab, int contexts) {
    long row = (long) rows * vocab * Float.BYTES;
    return row * (arraysRead(contexts) + (writesGradient ? 1 : 0));
  }

  public static LossKernel byId(String id) {
    for (LossKernel k : values()) {
      if (k.id.equals(id) || k.name().equalsIgnoreCase(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown kernel '" + id + "'");
  }
}
