package dev.rcsd.engine.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one token from a row of logits: temperature, then top-k, then top-p, then a draw from
 * the renormalised rest. Also reports the token's log-probability under the full tempered
 * distribution. Scratch arrays are reused across calls.
 */
final class TokenSampler {
  private final SamplingSettings settings;
  private double[] logp = new double[0];
  private Integer[] order = new Integer[0];
  /** log p of the token {@link #sample} returned last. */
  float lastLogprob;

  TokenSampler(SamplingSettings settings) {
    this.settings = settings;
  }

  /** Samples a token of the row logits[from, from + vocab); its log-probability goes to {@link #lastLogprob}. */
  int sample(float[] logits, int from, int vocab, SplittableRandom rnd) {
    if (logp.length != vocab) {
      logp = new double[vocab];
      order = new Integer[vocab];
    }
    float t = settings.temperature() == 0 ? 1f : settings.temperature();
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, logits[from + v] / t);
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += Math.exp(logits[from + v] / t - max);
    }
    double lse = max + Math.log(sum);
    for (int v = 0; v < vocab; v++) {
      logp[v] = logits[from + v] / t - lse;
    }
    int token;
    if (settings.temperature() == 0) {
      token = 0;
      for (int v = 1; v < vocab; v++) {
        if (logp[v] > logp[token]) {
          token = v;
        }
      }
    } else {
      token = draw(vocab, rnd);
    }
    lastLogprob = (float) logp[token];
    return token;
  }

  private int draw(int vocab, SplittableRandom rnd) {
    int keep = vocab;
    boolean truncate = (settings.topK() > 0 && settings.topK() < vocab) || settings.topP() < 1;
    if (truncate) {
      for (int v = 0; v < vocab; v++) {
        order[v] = v;
      }
      Arrays.sort(order, 0, vocab, (a, b) -> a.equals(b) ? 0 : logp[a] != logp[b] ? Double.compare(logp[b], logp[a])
          : Integer.compare(a, b));
      if (settings.topK() > 0) {
        keep = Math.min(keep, settings.topK());
      }
      if (settings.topP() < 1) {
        double mass = 0;
        for (int i = 0; i < keep; i++) {
          mass += Math.exp(logp[order[i]]);
          if (mass >= settings.topP()) {
            keep = i + 1;
            break;
          }
        }
      }
      double total = 0;
      for (int i = 0; i < keep; i++) {
        total += Math.exp(logp[order[i]]);
      }
      double u = rnd.nextDouble() * total;
      for (int i = 0; i < keep; i++) {
        u -= Math.exp(logp[order[i]]);
        if (u <= 0) {
          return order[i];
        }
      }
      return order[keep - 1];
    }
    double u = rnd.nextDouble();
    int last = 0;
    for (int v = 0; v < vocab; v++) {
      double p = Math.exp(logp[v]);
      if (p > 0) {
        last = v;
      }
      u -= p;
      if (u <= 0) {
        return v;
      }
    }
    return last;
  }
}
