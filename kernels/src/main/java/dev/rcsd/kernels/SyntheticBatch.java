package dev.rcsd.kernels;

import dev.rcsd.kernels.reference.TokenLogProbsReference;
import java.util.SplittableRandom;

/**
 * Seeded random kernel inputs: student logits ~ N(0, sigma^2), each teacher's logit either the
 * student's plus N(0, 1) noise or drawn afresh, optional padding ids (-inf in every row of student
 * and teachers), extreme logits of +-80, masked rows and quantized teacher logits (ties). old and
 * ref log-probs sit near the student's on even rows and far on odd rows, so GRPO's ratios fall
 * both inside and outside the clip range. Used by tests and benchmarks.
 */
public final class SyntheticBatch {
  private SyntheticBatch() {}

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

  /** Parses {@code ROWSxVOCAB}, e.g. {@code 512x151936}, into {rows, vocab}. */
  public static int[] parseShape(String shape) {
    String[] parts = shape.toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int n = Integer.parseInt(parts[0].trim());
        int v = Integer.parseInt(parts[1].trim());
        if (n > 0 && v > 0) {
          return new int[] {n, v};
        }
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("shape '" + shape + "' is not ROWSxVOCAB, e.g. 512x151936");
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

  private static double gaussian(SplittableRandom rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

}
