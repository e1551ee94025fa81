package dev.rcsd.kernels;

import dev.rcsd.kernels.reference.TokenLogProbsReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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

  /** How to draw a batch. */
  public record Spec(int rows, int vocab, int contexts, float sigma, double padFraction, double extremeFraction,
      double maskedFraction, boolean quantized) {
    public static Spec of(int rows, int vocab, int contexts) {
      return new Spec(rows, vocab, contexts, 3f, 0, 0, 0.25, false);
    }

    public Spec padded(double fraction) {
      return new Spec(rows, vocab, contexts, sigma, fraction, extremeFraction, maskedFraction, quantized);
    }

    public Spec extreme(double fraction) {
      return new Spec(rows, vocab, contexts, sigma, padFraction, fraction, maskedFraction, quantized);
    }

    public Spec masked(double fraction) {
      return new Spec(rows, vocab, contexts, sigma, padFraction, extremeFraction, fraction, quantized);
    }

    public Spec withTies() {
      return new Spec(rows, vocab, contexts, sigma, padFraction, extremeFraction, maskedFraction, true);
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
    return new Case(name, draw(seed, spec), params);
  }

  /** Draws a batch; teacher logits are the student's plus noise, so the distributions are close. */
  public static LossBatch draw(long seed, Spec spec) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = spec.rows();
    int v = spec.vocab();
    int k = spec.contexts();
    boolean[] pad = new boolean[v];
    for (int i = 0; i < v; i++) {
      pad[i] = rnd.nextDouble() < spec.padFraction();
    }
    pad[rnd.nextInt(v)] = false;
    float[] z = new float[n * v]; // [N, V]
    float[][] u = new float[k][n * v]; // [K][N, V]
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < v; i++) {
        float x = logit(rnd, spec);
        z[r * v + i] = pad[i] ? Float.NEGATIVE_INFINITY : x;
        for (int c = 0; c < k; c++) {
          float y = rnd.nextDouble() < 0.5 ? x + (float) gaussian(rnd) : logit(rnd, spec);
          if (spec.quantized()) {
            y = Math.round(y);
          }
          u[c][r * v + i] = pad[i] ? Float.NEGATIVE_INFINITY : y;
        }
      }
    }
    int[] tokens = new int[n];
    for (int r = 0; r < n; r++) {
      int t;
      do {
        t = rnd.nextInt(v);
      } while (pad[t]);
      tokens[r] = t;
    }
    float[] mask = new float[n];
    for (int r = 0; r < n; r++) {
      mask[r] = rnd.nextDouble() < spec.maskedFraction() ? 0f : 1f;
    }
    float[] weights = new float[k];
    for (int c = 0; c < k; c++) {
      weights[c] = (float) (rnd.nextDouble() * 2 - 0.5);
    }
    // old/ref near the student's log-probs for some rows (ratios inside the clip range), far for others
    LossBatch probe = LossBatch.builder(n, v).studentLogits(z).tokens(tokens).mask(mask).build();
    float[] s = new float[n];
    new TokenLogProbsReference().compute(probe, 1f, s, null, null);
    float[] old = new float[n];
    float[] ref = new float[n];
    float[] adv = new float[n];
    for (int r = 0; r < n; r++) {
      double spread = r % 2 == 0 ? 0.1 : 1.0;
      old[r] = s[r] + (float) (spread * gaussian(rnd));
      ref[r] = s[r] + (float) (spread * gaussian(rnd));
      adv[r] = (float) gaussian(rnd);
    }
    return LossBatch.builder(n, v).studentLogits(z).teacherLogits(u).tokens(tokens).mask(mask)
        .criterionWeights(weights).oldLogprobs(old).refLogprobs(ref).seqAdvantages(adv).build().checkValues();
  }

  private static float logit(SplittableRandom rnd, Spec spec) {
    if (rnd.nextDouble() < spec.extremeFraction()) {
      return rnd.nextBoolean() ? 80f : -80f;
    }
    return (float) (spec.sigma() * gaussian(rnd));
  }

  static double gaussian(SplittableRandom rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
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
