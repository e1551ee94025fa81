package dev.rcsd.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.kernels.Cases;
import dev.rcsd.kernels.SyntheticBatch.Spec;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.SyntheticBatch;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference's gradients against central finite differences of its own losses, in double:
 * d loss / d z[n, v] ~ (loss(z + h e) - loss(z - h e)) / 2h at sampled coordinates, every token
 * coordinate and every coordinate of the teacher's top-k.
 */
class ReferenceGradientTest {
  private static final double H = 1.0 / 1024; // a power of two: z +- h is exact for these logits
  private static final int ROWS = 4;
  private static final int VOCAB = 40;

  private static LossBatch batch(long seed, double pad) {
    LossBatch b = SyntheticBatch.draw(seed, Spec.of(ROWS, VOCAB, 2).padded(pad).masked(0.2));
    float[] z = Cases.withStudent(b, b.studentLogits()).studentLogits().clone();
    for (int i = 0; i < z.length; i++) {
      if (Float.isFinite(z[i])) {
        z[i] = Math.round(z[i] * 256f) / 256f;
      }
    }
    return Cases.withStudent(b, z);
  }

  private static void check(LossBatch b, float[] grad, ToDoubleFunction<float[]> loss, String what) {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] z = b.studentLogits().clone();
    int checked = 0;
    for (int n = 0; n < ROWS; n++) {
      for (int i = 0; i < VOCAB; i++) {
        int idx = n * VOCAB + i;
        boolean interesting = i == b.tokens()[n] || grad[idx] != 0f || rnd.nextDouble() < 0.3;
        if (!interesting || !Float.isFinite(z[idx])) {
          continue;
        }
        float saved = z[idx];
        z[idx] = (float) (saved + H);
        double up = loss.applyAsDouble(z);
        z[idx] = (float) (saved - H);
        double down = loss.applyAsDouble(z);
        z[idx] = saved;
        double fd = (up - down) / (2 * H);
        assertEquals(fd, grad[idx], 2e-5 + 2e-4 * Math.abs(fd), what + " at row " + n + ", id " + i);
        checked++;
      }
    }
    assertTrue(checked > ROWS * 5, what + ": only " + checked + " coordinates checked");
  }

  @ParameterizedTest
  @ValueSource(floats = {0f, 0.3f, 0.5f, 1f})
  void jsd(float beta) {
    LossBatch b = batch(101, 0.1);
    LossParams p = LossParams.DEFAULTS.withJsdBeta(beta).withTemperature(1.3f);
    GeneralizedJsdReference ref = new GeneralizedJsdReference();
    float[] grad = new float[ROWS * VOCAB];
    ref.compute(b, p, null, new float[2 * ROWS], grad);
    check(b, grad, z -> ref.compute(Cases.withStudent(b, z), p, null, new float[2 * ROWS],
        new float[ROWS * VOCAB]), "grad_jsd beta=" + beta);
  }

  @ParameterizedTest
  @ValueSource(floats = {0f, 0.02f, 0.2f, Float.POSITIVE_INFINITY})
  void topK(float clip) {
    LossBatch b = batch(102, 0.1);
    LossParams p = LossParams.DEFAULTS.withTopK(7).withKlClip(clip).withTemperature(0.9f);
    TopKDistillationReference ref = new TopKDistillationReference();
    float[] grad = new float[ROWS * VOCAB];
    ref.compute(b, p, null, new float[2 * ROWS], grad);
    check(b, grad, z -> ref.compute(Cases.withStudent(b, z), p, null, new float[2 * ROWS],
        new float[ROWS * VOCAB]), "grad_topk clip=" + clip);
  }

  /** The advantages are held constant: differentiate -sum mask A s(z) / M with A frozen. */
  @ParameterizedTest
  @ValueSource(floats = {0.3f, Float.POSITIVE_INFINITY})
  void rubricAdvantage(float clip) {
    LossBatch b = batch(103, 0.1);
    LossParams p = LossParams.DEFAULTS.withAdvClip(clip);
    float[] adv = new float[ROWS];
    float[] grad = new float[ROWS * VOCAB];
    new RubricAdvantageReference().compute(b, p, null, adv, grad);
    double[] logp = new double[VOCAB];
    check(b, grad, z -> {
      double loss = 0;
      for (int n = 0; n < ROWS; n++) {
        ReferenceRows.logSoftmax(z, n * VOCAB, VOCAB, p.temperature(), logp);
        loss -= b.mask()[n] * adv[n] * logp[b.tokens()[n]];
      }
      return loss / b.maskSum();
    }, "grad_pg clip=" + clip);
  }

  @ParameterizedTest
  @ValueSource(floats = {0f, 0.1f})
  void grpo(float klCoef) {
    LossBatch b = batch(104, 0.1);
    LossParams p = LossParams.DEFAULTS.withKlCoef(klCoef).withClip(0.2f, 0.28f).withTemperature(1.1f);
    GrpoLossReference ref = new GrpoLossReference();
    float[] grad = new float[ROWS * VOCAB];
    ref.compute(b, p, null, grad);
    check(b, grad, z -> ref.compute(Cases.withStudent(b, z), p, null, new float[ROWS * VOCAB]),
        "grad_grpo kl_coef=" + klCoef);
  }
}
