package dev.rcsd.kernels;

import dev.rcsd.kernels.SyntheticBatch.Spec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Seeded random kernel inputs covering the cases every backend must agree on. */
public final class Cases {
  private Cases() {}

  /** One named input batch with its parameters. */
  public record Case(String name, LossBatch batch, LossParams params) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The shared list of cases of the backend contract. */
  public static List<Case> all() {
    LossParams p = new LossParams(1f, 0.5f, 5, 0.05f, 2f, 0.2f, 0.28f, 0.05f);
    List<Case> cases = new ArrayList<>();
    cases.add(of("small", 1, Spec.of(7, 37, 2), p));
    cases.add(of("beta=0", 2, Spec.of(6, 129, 2), p.withJsdBeta(0f)));
    cases.add(of("beta=1", 3, Spec.of(6, 129, 2), p.withJsdBeta(1f)));
    cases.add(of("beta=0.3,T=0.7", 4, Spec.of(9, 300, 1), p.withJsdBeta(0.3f).withTemperature(0.7f)));
    cases.add(of("T=1.2", 5, Spec.of(8, 1000, 1), p.withTemperature(1.2f).withTopK(20)));
    cases.add(of("vocab<lanes", 6, Spec.of(5, 5, 2), p.withTopK(3)));
    cases.add(of("vocab=1001", 7, Spec.of(5, 1001, 2), p.withTopK(64)));
    cases.add(of("padding", 8, Spec.of(12, 1000, 2).padded(0.3), p));
    cases.add(of("padding,k>finite", 9, Spec.of(6, 200, 1).padded(0.5), p.withTopK(150)));
    cases.add(of("extreme+-80", 10, Spec.of(10, 2048, 2).extreme(0.02), p));
    cases.add(of("extreme+-80,beta=0", 11, Spec.of(10, 2048, 1).extreme(0.05), p.withJsdBeta(0f)));
    cases.add(of("extreme+-80,beta=1", 12, Spec.of(10, 2048, 1).extreme(0.05), p.withJsdBeta(1f)));
    cases.add(of("k=V", 13, Spec.of(6, 64, 2), p.withTopK(64)));
    cases.add(of("k>V", 14, Spec.of(6, 64, 2), p.withTopK(1000)));
    cases.add(of("k=1", 15, Spec.of(6, 64, 2), p.withTopK(1)));
    cases.add(of("c=0", 16, Spec.of(6, 500, 2), p.withKlClip(0f).withTopK(30)));
    cases.add(of("c=inf", 17, Spec.of(6, 500, 2), p.withKlClip(Float.POSITIVE_INFINITY).withTopK(30)));
    cases.add(of("ties", 18, Spec.of(8, 300, 2).withTies(), p.withTopK(25)));
    cases.add(of("empty mask", 19, Spec.of(6, 100, 2).masked(1.0), p));
    cases.add(of("adv clip=inf", 20, Spec.of(6, 100, 3), p.withAdvClip(Float.POSITIVE_INFINITY)));
    cases.add(of("vocab=32000", 21, Spec.of(8, 32000, 2), p.withTopK(20)));
    cases.add(of("vocab=151936", 22, Spec.of(3, 151_936, 1).padded(0.001), p.withTopK(20).withTemperature(1.2f)));
    return cases;
  }

  public static Case of(String name, long seed, Spec spec, LossParams params) {
    return new Case(name, SyntheticBatch.draw(seed, spec), params);
  }

  /** A copy of the batch with other student logits (same everything else). */
  public static LossBatch withStudent(LossBatch b, float[] student) {
    return rebuild(b, student, b.teacherLogits(), b.mask());
  }

  /** A copy of the batch with another mask. */
  public static LossBatch withMask(LossBatch b, float[] mask) {
    return rebuild(b, b.studentLogits(), b.teacherLogits(), mask);
  }

  /** A copy of the batch with other teacher logits and criterion weights. */
  public static LossBatch withTeachers(LossBatch b, float[][] teachers, float[] weights) {
    return LossBatch.builder(b.rows(), b.vocab()).studentLogits(b.studentLogits()).teacherLogits(teachers)
        .tokens(b.tokens()).mask(b.mask()).criterionWeights(weights).oldLogprobs(b.oldLogprobs())
        .refLogprobs(b.refLogprobs()).seqAdvantages(b.seqAdvantages()).build();
  }

  private static LossBatch rebuild(LossBatch b, float[] student, float[][] teachers, float[] mask) {
    return LossBatch.builder(b.rows(), b.vocab()).studentLogits(student).teacherLogits(teachers)
        .tokens(b.tokens()).mask(mask).criterionWeights(b.criterionWeights()).oldLogprobs(b.oldLogprobs())
        .refLogprobs(b.refLogprobs()).seqAdvantages(b.seqAdvantages()).build();
  }

  static float[] copy(float[] a) {
    return Arrays.copyOf(a, a.length);
  }
}
