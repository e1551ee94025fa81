package dev.rcsd.engine.model;

import java.util.Map;

/**
 * The decoder written out in plain Java and double precision, following transformers'
 * modeling_llama / modeling_qwen2 / modeling_qwen3 line by line: the independent oracle of the
 * DJL model. Weights are row-major float arrays under their Hugging Face names.
 */
final class ReferenceDecoder {
  private final ModelConfig c;
  private final Map<String, float[]> w;
  /** RoPE's inverse frequencies [head_dim / 2] and attention factor, or null for plain RoPE. */
  private final float[] inverseFrequencies;
  private final double attentionFactor;

  ReferenceDecoder(ModelConfig c, Map<String, float[]> weights) {
    this(c, weights, null, 1.0);
  }

  /** With RoPE's frequencies and attention factor given (computed elsewhere, e.g. by Python). */
  ReferenceDecoder(ModelConfig c, Map<String, float[]> weights, float[] inverseFrequencies, double attentionFactor) {
    this.c = c;
    this.w = weights;
    this.inverseFrequencies = inverseFrequencies;
    this.attentionFactor = attentionFactor;
  }

  /** logits [T][V] of one sequence. */
  double[][] logits(int[] tokens) {
    int t = tokens.length;
    int h = c.hiddenSize();
    double[][] x = new double[t][];
    for (int i = 0; i < t; i++) {
      x[i] = row(w.get("model.embed_tokens.weight"), tokens[i], h);
    }
    for (int l = 0; l < c.layers(); l++) {
      x = layer(l, x);
    }
    String head = c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    double[][] out = new double[t][];
    for (int i = 0; i < t; i++) {
      out[i] = matVec(w.get(head), c.vocabSize(), h, rms(x[i], w.get("model.norm.weight")), null);
    }
    return out;
  }

  private double[][] layer(int l, double[][] x) {
    String p = "model.layers." + l + ".";
    int t = x.length;
    int h = c.hiddenSize();
    int d = c.headDim();
    double[][][] q = new double[t][][];
    double[][][] k = new double[t][][];
    double[][][] v = new double[t][][];
    for (int i = 0; i < t; i++) {
      double[] xn = rms(x[i], w.get(p + "input_layernorm.weight"));
      q[i] = heads(matVec(w.get(p + "self_attn.q_proj.weight"), c.heads() * d, h, xn, w.get(p + "self_attn.q_proj.bias")), c.heads());
      k[i] = heads(matVec(w.get(p + "self_attn.k_proj.weight"), c.kvHeads() * d, h, xn, w.get(p + "self_attn.k_proj.bias")), c.kvHeads());
      v[i] = heads(matVec(w.get(p + "self_attn.v_proj.weight"), c.kvHeads() * d, h, xn, w.get(p + "self_attn.v_proj.bias")), c.kvHeads());
      for (int a = 0; a < c.heads(); a++) {
        if (c.qkNorm()) {
          q[i][a] = rms(q[i][a], w.get(p + "self_attn.q_norm.weight"));
        }
        q[i][a] = rope(q[i][a], i);
      }
      for (int a = 0; a < c.kvHeads(); a++) {
        if (c.qkNorm()) {
          k[i][a] = rms(k[i][a], w.get(p + "self_attn.k_norm.weight"));
        }
        k[i][a] = rope(k[i][a], i);
      }
    }
    double[][] y = new double[t][];
    for (int i = 0; i < t; i++) {
      double[] merged = new double[c.heads() * d];
      for (int a = 0; a < c.heads(); a++) {
        int kv = a / c.groups();
        double[] scores = new double[i + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          scores[j] = dot(q[i][a], k[j][kv]) / Math.sqrt(d);
          max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j <= i; j++) {
          scores[j] = Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (int j = 0; j <= i; j++) {
          for (int e = 0; e < d; e++) {
            merged[a * d + e] += scores[j] / sum * v[j][kv][e];
          }
        }
      }
      double[] hid = add(x[i], matVec(w.get(p + "self_attn.o_proj.weight"), h, c.heads() * d, merged, null));
      double[] hn = rms(hid, w.get(p + "post_attention_layernorm.weight"));
      int m = c.intermediateSize();
      double[] gate = matVec(w.get(p + "mlp.gate_proj.weight"), m, h, hn, null);
      double[] up = matVec(w.get(p + "mlp.up_proj.weight"), m, h, hn, null);
      for (int e = 0; e < m; e++) {
        gate[e] = gate[e] / (1 + Math.exp(-gate[e])) * up[e];
      }
      y[i] = add(hid, matVec(w.get(p + "mlp.down_proj.weight"), h, m, gate, null));
    }
    return y;
  }

  /** rotate-half RoPE at position pos, with float32 inverse frequencies as transformers computes them. */
  private double[] rope(double[] x, int pos) {
    int d = x.length;
    double[] out = new double[d];
    for (int i = 0; i < d / 2; i++) {
      float inv = inverseFrequencies != null ? inverseFrequencies[i]
          : (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / d));
      double angle = (float) (pos * inv);
      double cos = attentionFactor * Math.cos(angle);
      double sin = attentionFactor * Math.sin(angle);
      out[i] = x[i] * cos - x[i + d / 2] * sin;
      out[i + d / 2] = x[i + d / 2] * cos + x[i] * sin;
    }
    return out;
  }

  private double[] rms(double[] x, float[] weight) {
    double ms = 0;
    for (double e : x) {
      ms += e * e;
    }
    double r = 1 / Math.sqrt(ms / x.length + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * r * weight[i];
    }
    return out;
  }

  private double[][] heads(double[] flat, int n) {
    int d = c.headDim();
    double[][] out = new double[n][d];
    for (int a = 0; a < n; a++) {
      System.arraycopy(flat, a * d, out[a], 0, d);
    }
    return out;
  }

  private static double[] matVec(float[] m, int rows, int cols, double[] x, float[] bias) {
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = bias == null ? 0 : bias[r];
      for (int i = 0; i < cols; i++) {
        s += m[r * cols + i] * x[i];
      }
      out[r] = s;
    }
    return out;
  }

  private static double[] row(float[] m, int r, int cols) {
    double[] out = new double[cols];
    for (int i = 0; i < cols; i++) {
      out[i] = m[r * cols + i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }
}
