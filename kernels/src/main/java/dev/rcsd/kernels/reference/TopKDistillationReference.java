package dev.rcsd.kernels.reference;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TopKDistillation;
import java.util.Arrays;

/** {@link TopKDistillation} in double precision; S is found by sorting the whole teacher row. */
public final class TopKDistillationReference implements TopKDistillation {
  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] topkKl, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("topk_kl", topkKl, (long) contexts * rows);
    Outputs.require("grad_topk", grad, (long) rows * vocab);
    double t = params.temperature();
    double clip = params.klClip();
    int size = Math.min(params.topK(), vocab);
    double scale = Outputs.rowScale(batch, contexts);
    float[] z = batch.studentLogits();
    long[] keys = new long[vocab];
    int[] s = new int[size];
    double[] logQt = new double[size];
    double[] logQs = new double[size];
    double[] g = new double[vocab];
    double[] logp = new double[vocab];
    double loss = 0;
    for (int n = 0; n < rows; n++) {
      int base = n * vocab;
      if (studentLogprobs != null) {
        ReferenceRows.logSoftmax(z, base, vocab, t, logp);
        studentLogprobs[n] = (float) logp[batch.tokens()[n]];
      }
      Arrays.fill(g, 0);
      double c = batch.mask()[n] * scale / t;
      for (int k = 0; k < contexts; k++) {
        float[] u = batch.teacherLogits()[k];
        largest(u, base, vocab, keys, s);
        restrictedLogSoftmax(u, base, s, t, logQt);
        restrictedLogSoftmax(z, base, s, t, logQs);
        double kl = 0;
        double activeMass = 0;
        for (int i = 0; i < size; i++) {
          double qt = Math.exp(logQt[i]);
          double term = qt > 0 ? qt * (logQt[i] - logQs[i]) : 0;
          kl += Math.min(clip, term);
          if (term <= clip) {
            activeMass += qt;
            g[s[i]] -= c * qt;
          }
        }
        for (int i = 0; i < size; i++) {
          g[s[i]] += c * Math.exp(logQs[i]) * activeMass;
        }
        topkKl[k * rows + n] = (float) kl;
        loss += batch.mask()[n] * kl;
      }
      for (int v = 0; v < vocab; v++) {
        grad[base + v] = (float) g[v];
      }
    }
    return loss * scale;
  }

  /** s = ids of the s.length largest u[base + v], largest first, equal values by ascending id. */
  static void largest(float[] u, int base, int vocab, long[] keys, int[] s) {
    for (int v = 0; v < vocab; v++) {
      // Ascending order of (~orderable(value), id) is descending value, then ascending id.
      keys[v] = ((long) ~orderable(u[base + v]) << 32) | v;
    }
    Arrays.sort(keys);
    for (int i = 0; i < s.length; i++) {
      s[i] = (int) keys[i];
    }
  }

  /** An int whose signed order is the order of the floats (with -0 equal to +0). */
  private static int orderable(float x) {
    int bits = Float.floatToIntBits(x + 0f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  private static void restrictedLogSoftmax(float[] logits, int base, int[] s, double t, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v : s) {
      max = Math.max(max, logits[base + v] / t);
    }
    double sum = 0;
    for (int v : s) {
      sum += Math.exp(logits[base + v] / t - max);
    }
    // every id of S padded: the restricted softmax is empty, q = 0 throughout
    double lse = max == Double.NEGATIVE_INFINITY ? 0 : max + Math.log(sum);
    for (int i = 0; i < s.length; i++) {
      out[i] = logits[base + s[i]] / t - lse;
    }
  }
}
