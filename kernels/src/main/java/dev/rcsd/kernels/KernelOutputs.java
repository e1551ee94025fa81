package dev.rcsd.kernels;

/**
 * Buffers for every output of the kernel library for one batch shape, named as in the
 * golden-tensor files. Allocated once and reused by benchmarks; {@link #of} fills all of them.
 */
public final class KernelOutputs {
  public final float[] studentLogprobs; // [N]
  public final float[] studentEntropy; // [N]
  public final float[] teacherLogprobs; // [K, N]
  public final float[] jsd; // [K, N]
  public final float[] topkKl; // [K, N]
  public final float[] advantages; // [N]
  public final float[] gradJsd; // [N, V]
  public final float[] gradTopk; // [N, V]
  public final float[] gradPg; // [N, V]
  public final float[] gradGrpo; // [N, V]
  private final double[] losses = new double[LossKernel.values().length];

  private KernelOutputs(int n, int v, int k) {
    studentLogprobs = new float[n];
    studentEntropy = new float[n];
    teacherLogprobs = new float[k * n];
    jsd = new float[k * n];
    topkKl = new float[k * n];
    advantages = new float[n];
    gradJsd = new float[n * v];
    gradTopk = new float[n * v];
    gradPg = new float[n * v];
    gradGrpo = new float[n * v];
  }

  /** Empty buffers for batches of this shape. */
  public static KernelOutputs allocate(LossBatch b) {
    return new KernelOutputs(b.rows(), b.vocab(), b.contexts());
  }

  /** Runs every kernel of {@code backend} on the batch. */
  public static KernelOutputs of(KernelBackend backend, LossBatch batch, LossParams params) {
    KernelOutputs o = allocate(batch);
    for (LossKernel k : LossKernel.values()) {
      o.run(k, backend, batch, params);
    }
    return o;
  }

  /**
   * Runs every kernel of {@code backend} one block of {@code blockRows} rows at a time (the last
   * block may be shorter), as a chunked update does: per-row outputs land in the batch's arrays,
   * gradients block by block, and the losses are the sums of the blocks'.
   */
  public static KernelOutputs inBlocks(KernelBackend backend, LossBatch batch, LossParams p, int blockRows) {
    KernelOutputs o = allocate(batch);
    int v = batch.vocab();
    for (int from = 0; from < batch.rows(); from += blockRows) {
      int to = Math.min(batch.rows(), from + blockRows);
      LossBatch b = batch.rows(from, to);
      float[] g = new float[(to - from) * v];
      backend.tokenLogProbs().computeBlock(b, p.temperature(), o.studentLogprobs, o.studentEntropy,
          o.teacherLogprobs);
      o.losses[LossKernel.JSD.ordinal()] += backend.generalizedJsd().computeBlock(b, p, null, o.jsd, g);
      System.arraycopy(g, 0, o.gradJsd, from * v, g.length);
      o.losses[LossKernel.TOPK.ordinal()] += backend.topKDistillation().computeBlock(b, p, null, o.topkKl, g);
      System.arraycopy(g, 0, o.gradTopk, from * v, g.length);
      o.losses[LossKernel.RUBRIC_ADVANTAGE.ordinal()] +=
          backend.rubricAdvantage().computeBlock(b, p, null, o.advantages, g);
      System.arraycopy(g, 0, o.gradPg, from * v, g.length);
      o.losses[LossKernel.GRPO.ordinal()] += backend.grpoLoss().computeBlock(b, p, null, g);
      System.arraycopy(g, 0, o.gradGrpo, from * v, g.length);
    }
    return o;
  }

  /** Runs one kernel into these buffers; returns its loss (0 for the log-prob kernel). */
  public double run(LossKernel kernel, KernelBackend backend, LossBatch b, LossParams p) {
    double loss = switch (kernel) {
      case TOKEN_LOGPROBS -> {
        backend.tokenLogProbs().compute(b, p.temperature(), studentLogprobs, studentEntropy, teacherLogprobs);
        yield 0;
      }
      case JSD -> backend.generalizedJsd().compute(b, p, null, jsd, gradJsd);
      case TOPK -> backend.topKDistillation().compute(b, p, null, topkKl, gradTopk);
      case RUBRIC_ADVANTAGE -> backend.rubricAdvantage().compute(b, p, null, advantages, gradPg);
      case GRPO -> backend.grpoLoss().compute(b, p, null, gradGrpo);
    };
    losses[kernel.ordinal()] = loss;
    return loss;
  }

  /** The gradient buffer of a kernel that writes one. */
  public float[] gradient(LossKernel kernel) {
    return switch (kernel) {
      case JSD -> gradJsd;
      case TOPK -> gradTopk;
      case RUBRIC_ADVANTAGE -> gradPg;
      case GRPO -> gradGrpo;
      case TOKEN_LOGPROBS -> throw new IllegalArgumentException("token_logprobs has no gradient");
    };
  }

  public double loss(LossKernel kernel) {
    return losses[kernel.ordinal()];
  }

  public double lossJsd() {
    return loss(LossKernel.JSD);
  }

  public double lossTopk() {
    return loss(LossKernel.TOPK);
  }

  public double lossPg() {
    return loss(LossKernel.RUBRIC_ADVANTAGE);
  }

  public double lossGrpo() {
    return loss(LossKernel.GRPO);
  }
}
