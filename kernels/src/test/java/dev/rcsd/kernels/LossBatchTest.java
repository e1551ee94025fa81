package dev.rcsd.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossBatchTest {
  private static LossBatch.Builder valid() {
    return LossBatch.builder(2, 3).studentLogits(new float[6]).teacherLogits(new float[6]).tokens(new int[] {0, 2})
        .mask(new float[] {1, 0}).criterionWeights(new float[] {1});
  }

  private static InvalidInputException refused(LossBatch.Builder b) {
    return assertThrows(InvalidInputException.class, () -> b.build().checkValues());
  }

  @Test
  void acceptsAConsistentBatch() {
    LossBatch b = valid().build().checkValues();
    assertEquals(1, b.contexts());
    assertEquals(1.0, b.maskSum());
  }

  @Test
  void aBlockNormalisesByItsBatchAndStaysInsideIt() {
    LossBatch b = valid().block(4, 10, 6.5).build();
    assertTrue(b.isBlock());
    assertEquals(4, b.firstRow());
    assertEquals(10, b.batchRows());
    assertEquals(6.5, b.maskSum());
    LossBatch second = b.rows(1, 2);
    assertEquals(5, second.firstRow());
    assertEquals(6.5, second.maskSum());
    assertEquals("block", refused(valid().block(9, 10, 6.5)).array());
    assertEquals("block", refused(valid().block(0, 2, 0.5)).array()); // below the block's own sum, 1
    assertEquals("block", refused(valid().block(0, 2, Double.POSITIVE_INFINITY)).array());
  }

  @Test
  void namesTheArrayWithTheWrongShape() {
    assertEquals("student_logits", refused(valid().studentLogits(new float[5])).array());
    assertEquals("teacher_logits[0]", refused(valid().teacherLogits(new float[7])).array());
    assertEquals("mask", refused(valid().mask(new float[3])).array());
    assertEquals("criterion_weights", refused(valid().criterionWeights(new float[2])).array());
    assertEquals("old_logprobs", refused(valid().oldLogprobs(new float[1])).array());
    assertEquals("tokens", refused(valid().tokens(new int[] {0})).array());
  }

  @Test
  void refusesTokensOutsideTheVocabulary() {
    InvalidInputException e = refused(valid().tokens(new int[] {0, 3}));
    assertEquals("tokens", e.array());
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
  }

  @Test
  void refusesNaNAndPositiveInfinityButAcceptsPadding() {
    float[] z = new float[6];
    z[4] = Float.NaN;
    assertEquals("student_logits", refused(valid().studentLogits(z)).array());
    float[] u = new float[6];
    u[1] = Float.POSITIVE_INFINITY;
    assertEquals("teacher_logits[0]", refused(valid().teacherLogits(u)).array());
    float[] padded = new float[6];
    padded[1] = Float.NEGATIVE_INFINITY;
    valid().studentLogits(padded).build().checkValues();
    assertEquals("seq_advantages", refused(valid().seqAdvantages(new float[] {0, Float.NaN})).array());
    assertEquals("mask", refused(valid().mask(new float[] {Float.NaN, 1})).array());
  }

  @Test
  void refusesARowWithoutAFiniteLogitOrATokenOnPadding() {
    float[] z = new float[6];
    java.util.Arrays.fill(z, 0, 3, Float.NEGATIVE_INFINITY);
    assertEquals("student_logits", refused(valid().studentLogits(z)).array());
    float[] onPad = new float[6];
    onPad[5] = Float.NEGATIVE_INFINITY;
    assertEquals("tokens", refused(valid().studentLogits(onPad)).array());
  }

  @Test
  void aLossWithoutItsInputNamesIt() {
    LossBatch noTeacher = LossBatch.builder(1, 2).studentLogits(new float[2]).tokens(new int[1]).allRows().build();
    InvalidInputException e = assertThrows(InvalidInputException.class, noTeacher::teacherLogits);
    assertEquals("teacher_logits", e.array());
    assertEquals("ref_logprobs", assertThrows(InvalidInputException.class, noTeacher::refLogprobs).array());
  }

  @Test
  void paramsNameTheBadScalar() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LossParams.DEFAULTS.withTemperature(0f));
    assertTrue(e.getMessage().startsWith("temperature"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LossParams.DEFAULTS.withJsdBeta(1.5f));
    assertThrows(IllegalArgumentException.class, () -> LossParams.DEFAULTS.withTopK(0));
    assertThrows(IllegalArgumentException.class, () -> LossParams.DEFAULTS.withKlClip(Float.NaN));
  }
}
