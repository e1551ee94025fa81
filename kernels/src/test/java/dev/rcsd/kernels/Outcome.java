package dev.rcsd.kernels;

/** Every output of the kernel library for one batch, as the golden-tensor files name them. */
public final class Outcome {
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
  public double lossJsd;
  public double lossTopk;
  public double lossPg;
  public double lossGrpo;

  private Outcome(int n, int v, int k) {
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

  /** Runs every kernel of {@code backend} on the batch. */
  public static Outcome of(KernelBackend backend, LossBatch b, LossParams p) {
    Outcome o = new Outcome(b.rows(), b.vocab(), b.contexts());
    backend.tokenLogProbs().compute(b, p.temperature(), o.studentLogprobs, o.studentEntropy, o.teacherLogprobs);
    o.lossJsd = backend.generalizedJsd().compute(b, p, null, o.jsd, o.gradJsd);
    o.lossTopk = backend.topKDistillation().compute(b, p, null, o.topkKl, o.gradTopk);
    o.lossPg = backend.rubricAdvantage().compute(b, p, null, o.advantages, o.gradPg);
    o.lossGrpo = backend.grpoLoss().compute(b, p, null, o.gradGrpo);
    return o;
  }
}
