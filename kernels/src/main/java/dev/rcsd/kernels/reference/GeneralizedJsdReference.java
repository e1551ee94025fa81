package dev.rcsd.kernels.reference;

import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;

/** {@link GeneralizedJsd} in double precision, term by term as TRL writes it. */
public final class GeneralizedJsdReference implements GeneralizedJsd {
  @Override
  public double compute(LossBatch batch, LossParams params, float[] studentLogprobs, float[] jsd, float[] grad) {
    int rows = batch.rows();
    int vocab = batch.vocab();
    int contexts = batch.teacherLogits().length;
    Outputs.optional("student_logprobs", studentLogprobs, rows);
    Outputs.require("jsd", jsd, (long) contexts * rows);
    Outputs.require("grad_jsd", grad, (long) rows * vocab);
    double t = params.temperature();
    double beta = params.jsdBeta();
    double scale = Outputs.rowScale(batch, contexts);
    double[] a = new double[vocab]; // log p_S
    double[] b = new double[vocab]; // log p_T
    double[] g = new double[vocab]; // d loss / d z of the row, summed over contexts
    double loss = 0;
    for (int n = 0; n < rows; n++) {
      ReferenceRows.logSoftmax(batch.studentLogits(), n * vocab, vocab, t, a);
      if (studentLogprobs != null) {
        studentLogprobs[n] = (float) a[batch.tokens()[n]];
      }
      java.util.Arrays.fill(g, 0);
      double c = batch.mask()[n] * scale / t;
      for (int k = 0; k < contexts; k++) {
        ReferenceRows.logSoftmax(batch.teacherLogits()[k], n * vocab, vocab, t, b);
        double j = beta == 0 ? forwardKl(a, b, g, c, vocab)
            : beta == 1 ? reverseKl(a, b, g, c, vocab)
            : mixture(a, b, beta, g, c, vocab);
        jsd[k * rows + n] = (float) j;
        loss += batch.mask()[n] * j;
      }
      for (int v = 0; v < vocab; v++) {
        grad[n * vocab + v] = (float) g[v];
      }
    }
    return loss * scale;
  }

  /** KL(p_T || p_S); gradient p_S - p_T. */
  private static double forwardKl(double[] a, double[] b, double[] g, double c, int vocab) {
    double kl = 0;
    for (int v = 0; v < vocab; v++) {
      double pt = Math.exp(b[v]);
      if (pt > 0) {
        kl += pt * (b[v] - a[v]);
      }
      g[v] += c * (Math.exp(a[v]) - pt);
    }
    return kl;
  }

  /** KL(p_S || p_T); gradient p_S (log p_S - log p_T - KL). */
  private static double reverseKl(double[] a, double[] b, double[] g, double c, int vocab) {
    double kl = 0;
    for (int v = 0; v < vocab; v++) {
      double ps = Math.exp(a[v]);
      if (ps > 0) {
        kl += ps * (a[v] - b[v]);
      }
    }
    for (int v = 0; v < vocab; v++) {
      double ps = Math.exp(a[v]);
      if (ps > 0) {
        g[v] += c * ps * (a[v] - b[v] - kl);
      }
    }
    return kl;
  }

  /** beta KL(p_T || m) + (1 - beta) KL(p_S || m); gradient (1 - beta) p_S (log p_S - log m - KL(p_S || m)). */
  private static double mixture(double[] a, double[] b, double beta, double[] g, double c, int vocab) {
    double logBeta = Math.log(beta);
    double logOneMinusBeta = Math.log1p(-beta);
    double j = 0;
    double klStudent = 0;
    for (int v = 0; v < vocab; v++) {
      double logM = ReferenceRows.logAddExp(a[v] + logOneMinusBeta, b[v] + logBeta);
      if (b[v] != Double.NEGATIVE_INFINITY) {
        j += beta * Math.exp(b[v]) * (b[v] - logM);
      }
      if (a[v] != Double.NEGATIVE_INFINITY) {
        double term = Math.exp(a[v]) * (a[v] - logM);
        j += (1 - beta) * term;
        klStudent += term;
      }
    }
    for (int v = 0; v < vocab; v++) {
      if (a[v] != Double.NEGATIVE_INFINITY) {
        double logM = ReferenceRows.logAddExp(a[v] + logOneMinusBeta, b[v] + logBeta);
        g[v] += c * (1 - beta) * Math.exp(a[v]) * (a[v] - logM - klStudent);
      }
    }
    return j;
  }
}
