package dev.rcsd.kernels;

import static dev.rcsd.kernels.Close.assertClose;
import static dev.rcsd.kernels.Close.maxAbs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.kernels.Cases.Case;
import dev.rcsd.kernels.SyntheticBatch.Spec;
import dev.rcsd.kernels.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every backend is held to: agreement with the reference on seeded random cases, and
 * properties that hold for any correct implementation. A backend's test class extends this and
 * says how to open it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KernelBackendContract {
  /** Tolerances against the double-precision reference: float32 arithmetic over long rows. */
  static final double ROW_ATOL = 2e-5;
  static final double ROW_RTOL = 2e-5;
  static final double GRAD_RTOL = 2e-5;

  private static final Map<Case, KernelOutputs> REFERENCE = new ConcurrentHashMap<>();
  private KernelBackend backend;

  /** Opens the backend under test. */
  protected abstract KernelBackend open();

  @BeforeAll
  void openBackend() {
    backend = open();
  }

  @AfterAll
  void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  protected KernelBackend backend() {
    return backend;
  }

  static List<Case> cases() {
    return Cases.all();
  }

  private static KernelOutputs reference(Case c) {
    return REFERENCE.computeIfAbsent(c, k -> KernelOutputs.of(new ReferenceBackend(), k.batch(), k.params()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesReference(Case c) {
    assertMatchesReference(reference(c), KernelOutputs.of(backend, c.batch(), c.params()));
  }

  /** Every output within the contract's tolerances of the reference's. */
  public static void assertMatchesReference(KernelOutputs want, KernelOutputs got) {
    assertClose("student_logprobs", want.studentLogprobs, got.studentLogprobs, ROW_ATOL, ROW_RTOL);
    assertClose("student_entropy", want.studentEntropy, got.studentEntropy, ROW_ATOL, ROW_RTOL);
    assertClose("teacher_logprobs", want.teacherLogprobs, got.teacherLogprobs, ROW_ATOL, ROW_RTOL);
    assertClose("jsd", want.jsd, got.jsd, ROW_ATOL, ROW_RTOL);
    assertClose("topk_kl", want.topkKl, got.topkKl, ROW_ATOL, ROW_RTOL);
    assertClose("advantages", want.advantages, got.advantages, ROW_ATOL, ROW_RTOL);
    assertClose("loss_jsd", want.lossJsd(), got.lossJsd(), ROW_ATOL, ROW_RTOL);
    assertClose("loss_topk", want.lossTopk(), got.lossTopk(), ROW_ATOL, ROW_RTOL);
    assertClose("loss_pg", want.lossPg(), got.lossPg(), ROW_ATOL, ROW_RTOL);
    assertClose("loss_grpo", want.lossGrpo(), got.lossGrpo(), ROW_ATOL, ROW_RTOL);
    assertClose("grad_jsd", want.gradJsd, got.gradJsd, GRAD_RTOL * maxAbs(want.gradJsd), ROW_RTOL);
    assertClose("grad_topk", want.gradTopk, got.gradTopk, GRAD_RTOL * maxAbs(want.gradTopk), ROW_RTOL);
    assertClose("grad_pg", want.gradPg, got.gradPg, GRAD_RTOL * maxAbs(want.gradPg), ROW_RTOL);
    assertClose("grad_grpo", want.gradGrpo, got.gradGrpo, GRAD_RTOL * maxAbs(want.gradGrpo), ROW_RTOL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void producesNoNaN(Case c) {
    KernelOutputs o = KernelOutputs.of(backend, c.batch(), c.params());
    for (float[] a : List.of(o.studentLogprobs, o.studentEntropy, o.teacherLogprobs, o.jsd, o.topkKl,
        o.advantages, o.gradJsd, o.gradTopk, o.gradPg, o.gradGrpo)) {
      Close.assertNoNaN(c.name(), a);
    }
    for (double loss : new double[] {o.lossJsd(), o.lossTopk(), o.lossPg(), o.lossGrpo()}) {
      assertTrue(!Double.isNaN(loss), c.name() + ": a loss is NaN");
    }
  }

  /**
   * Every loss depends on z only through log-softmax, so each gradient row sums to zero (up to the
   * float32 rounding of its elements, hence a bound relative to the row's L1 norm).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientRowsSumToZero(Case c) {
    KernelOutputs o = KernelOutputs.of(backend, c.batch(), c.params());
    int v = c.batch().vocab();
    for (float[] g : List.of(o.gradJsd, o.gradTopk, o.gradPg, o.gradGrpo)) {
      for (int n = 0; n < c.batch().rows(); n++) {
        double sum = 0;
        double l1 = 0;
        for (int i = 0; i < v; i++) {
          sum += g[n * v + i];
          l1 += Math.abs(g[n * v + i]);
        }
        assertEquals(0, sum, 1e-5 * l1 + 1e-12, c.name() + " row " + n);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lossIsTheMaskedMeanOfRows(Case c) {
    KernelOutputs o = KernelOutputs.of(backend, c.batch(), c.params());
    LossBatch b = c.batch();
    int k = b.contexts();
    double m = b.maskSum();
    double jsd = 0;
    double topk = 0;
    for (int i = 0; i < k; i++) {
      for (int n = 0; n < b.rows(); n++) {
        jsd += b.mask()[n] * o.jsd[i * b.rows() + n];
        topk += b.mask()[n] * o.topkKl[i * b.rows() + n];
      }
    }
    assertClose("loss_jsd", m == 0 ? 0 : jsd / (k * m), o.lossJsd(), 1e-6, 1e-5);
    assertClose("loss_topk", m == 0 ? 0 : topk / (k * m), o.lossTopk(), 1e-6, 1e-5);
  }

  @Test
  void emptyMaskGivesZeroLossesAndGradients() {
    LossBatch b = SyntheticBatch.draw(31, Spec.of(5, 200, 2).masked(1.0));
    KernelOutputs o = KernelOutputs.of(backend, b, LossParams.DEFAULTS);
    assertEquals(0.0, o.lossJsd());
    assertEquals(0.0, o.lossTopk());
    assertEquals(0.0, o.lossPg());
    assertEquals(0.0, o.lossGrpo());
    for (float[] g : List.of(o.gradJsd, o.gradTopk, o.gradPg, o.gradGrpo)) {
      for (float x : g) {
        assertEquals(0f, Math.abs(x));
      }
    }
    for (float x : o.advantages) {
      assertEquals(0f, Math.abs(x));
    }
  }

  @ParameterizedTest
  @ValueSource(floats = {0f, 0.25f, 0.5f, 1f})
  void identicalTeacherGivesZeroDivergence(float beta) {
    LossBatch drawn = SyntheticBatch.draw(32, Spec.of(6, 700, 1).padded(0.1));
    LossBatch b = Cases.withTeachers(drawn, new float[][] {drawn.studentLogits()}, new float[] {1f});
    KernelOutputs o = KernelOutputs.of(backend, b, LossParams.DEFAULTS.withJsdBeta(beta).withKlClip(Float.POSITIVE_INFINITY));
    assertClose("jsd", new float[6], o.jsd, 1e-5, 0);
    assertClose("topk_kl", new float[6], o.topkKl, 1e-5, 0);
    assertClose("advantages", new float[6], o.advantages, 1e-5, 0);
    assertClose("grad_jsd", new float[o.gradJsd.length], o.gradJsd, 1e-6, 0);
    assertClose("grad_topk", new float[o.gradTopk.length], o.gradTopk, 1e-6, 0);
  }

  @Test
  void jsdIsSymmetricAtHalf() {
    LossBatch b = SyntheticBatch.draw(33, Spec.of(6, 500, 1));
    LossBatch swapped = Cases.withTeachers(Cases.withStudent(b, b.teacherLogits()[0]),
        new float[][] {b.studentLogits()}, b.criterionWeights());
    LossParams p = LossParams.DEFAULTS.withJsdBeta(0.5f);
    float[] jsd = new float[6];
    float[] swappedJsd = new float[6];
    backend.generalizedJsd().compute(b, p, null, jsd, new float[6 * 500]);
    backend.generalizedJsd().compute(swapped, p, null, swappedJsd, new float[6 * 500]);
    assertClose("jsd(T,S) vs jsd(S,T)", jsd, swappedJsd, 1e-6, 1e-5);
  }

  @Test
  void entropyOfUniformRowIsLogOfSupport() {
    int v = 1000;
    float[] z = new float[2 * v];
    Arrays.fill(z, 0, v, 3.5f);
    Arrays.fill(z, v, 2 * v, -2f);
    for (int i = v; i < v + 400; i++) {
      z[i] = Float.NEGATIVE_INFINITY;
    }
    LossBatch b = LossBatch.builder(2, v).studentLogits(z).tokens(new int[] {7, v - 1}).allRows().build();
    float[] s = new float[2];
    float[] h = new float[2];
    backend.tokenLogProbs().compute(b, 1f, s, h, null);
    assertClose("entropy", new float[] {(float) Math.log(1000), (float) Math.log(600)}, h, 1e-5, 1e-6);
    assertClose("logprob", new float[] {(float) -Math.log(1000), (float) -Math.log(600)}, s, 1e-5, 1e-6);
  }

  @Test
  void addingAConstantToARowChangesNothing() {
    LossBatch b = SyntheticBatch.draw(34, Spec.of(4, 900, 2));
    float[] shifted = Cases.copy(b.studentLogits());
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += 17f;
    }
    LossParams p = LossParams.DEFAULTS;
    KernelOutputs base = KernelOutputs.of(backend, b, p);
    KernelOutputs moved = KernelOutputs.of(backend, Cases.withStudent(b, shifted), p);
    assertClose("student_logprobs", base.studentLogprobs, moved.studentLogprobs, 1e-4, 1e-5);
    assertClose("jsd", base.jsd, moved.jsd, 1e-4, 1e-4);
    assertClose("grad_jsd", base.gradJsd, moved.gradJsd, 1e-4 * maxAbs(base.gradJsd), 1e-3);
    assertClose("topk_kl", base.topkKl, moved.topkKl, 1e-4, 1e-4);
  }

  /** Dividing the logits by T is the same as sampling at temperature T; d/dz gains a 1/T. */
  @Test
  void temperatureDividesTheLogits() {
    float t = 1.7f;
    LossBatch b = SyntheticBatch.draw(35, Spec.of(5, 400, 1));
    float[] scaledZ = Cases.copy(b.studentLogits());
    float[] scaledU = Cases.copy(b.teacherLogits()[0]);
    for (int i = 0; i < scaledZ.length; i++) {
      scaledZ[i] /= t;
      scaledU[i] /= t;
    }
    LossBatch scaled = Cases.withTeachers(Cases.withStudent(b, scaledZ), new float[][] {scaledU},
        b.criterionWeights());
    LossParams p = LossParams.DEFAULTS.withTopK(10);
    KernelOutputs hot = KernelOutputs.of(backend, b, p.withTemperature(t));
    KernelOutputs cold = KernelOutputs.of(backend, scaled, p.withTemperature(1f));
    assertClose("jsd", cold.jsd, hot.jsd, 1e-5, 1e-4);
    assertClose("topk_kl", cold.topkKl, hot.topkKl, 1e-5, 1e-4);
    float[] coldOverT = Cases.copy(cold.gradJsd);
    for (int i = 0; i < coldOverT.length; i++) {
      coldOverT[i] /= t;
    }
    assertClose("grad_jsd", coldOverT, hot.gradJsd, 1e-4 * maxAbs(coldOverT), 1e-3);
  }

  /** With old = ref = s every ratio is 1 and the k3 KL is 0: loss = -mean(A), dl/ds = -A. */
  @Test
  void grpoAtRatioOneIsMinusTheMeanAdvantage() {
    LossBatch drawn = SyntheticBatch.draw(36, Spec.of(6, 300, 0).masked(0.3));
    LossParams p = LossParams.DEFAULTS.withKlCoef(0.3f);
    float[] s = new float[6];
    backend.tokenLogProbs().compute(drawn, p.temperature(), s, null, null);
    float[] adv = {1f, -2f, 0.5f, 0f, 3f, -1f};
    LossBatch b = LossBatch.builder(6, 300).studentLogits(drawn.studentLogits()).tokens(drawn.tokens())
        .mask(drawn.mask()).oldLogprobs(s).refLogprobs(s).seqAdvantages(adv).build();
    float[] grad = new float[6 * 300];
    double loss = backend.grpoLoss().compute(b, p, null, grad);
    double expected = 0;
    for (int n = 0; n < 6; n++) {
      expected -= drawn.mask()[n] * adv[n];
    }
    assertClose("loss_grpo", expected / drawn.maskSum(), loss, 1e-5, 1e-5);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void topKGradientStaysOnTheTeachersTopK(Case c) {
    KernelOutputs o = KernelOutputs.of(backend, c.batch(), c.params());
    LossBatch b = c.batch();
    int v = b.vocab();
    int limit = b.contexts() * Math.min(c.params().topK(), v);
    for (int n = 0; n < b.rows(); n++) {
      int nonzero = 0;
      for (int i = 0; i < v; i++) {
        nonzero += o.gradTopk[n * v + i] != 0f ? 1 : 0;
      }
      assertTrue(nonzero <= limit, c.name() + " row " + n + ": " + nonzero + " nonzero entries > " + limit);
    }
  }

  /**
   * A batch computed in blocks of rows (one call per block, as the chunked update runs) gives the
   * whole batch's per-row outputs, gradients and losses: blocks of 1 row, of 3 (a short last one),
   * and of all rows.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void blocksOfRowsAddUpToTheBatch(Case c) {
    KernelOutputs whole = KernelOutputs.of(backend, c.batch(), c.params());
    for (int rows : new int[] {1, 3, c.batch().rows()}) {
      assertMatchesReference(whole, KernelOutputs.inBlocks(backend, c.batch(), c.params(), rows));
    }
  }

  /** Buffers and state from one call must not leak into the next, whatever the shapes. */
  @Test
  void repeatedCallsAreIndependent() {
    Case first = Cases.all().get(0);
    Case other = Cases.all().get(7);
    KernelOutputs a = KernelOutputs.of(backend, first.batch(), first.params());
    KernelOutputs.of(backend, other.batch(), other.params());
    KernelOutputs again = KernelOutputs.of(backend, first.batch(), first.params());
    assertArrayEquals(a.gradJsd, again.gradJsd);
    assertArrayEquals(a.gradTopk, again.gradTopk);
    assertArrayEquals(a.gradPg, again.gradPg);
    assertArrayEquals(a.gradGrpo, again.gradGrpo);
    assertArrayEquals(a.studentEntropy, again.studentEntropy);
    assertEquals(a.lossJsd(), again.lossJsd());
  }
}
