package dev.rcsd.kernels.tornado;

import static dev.rcsd.kernels.tornado.RowReductions.SCRATCH;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.TokenLogProbs;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** {@link TokenLogProbs} as a TornadoVM kernel: one work-group per row, one read of each row. */
final class TokenLogProbsTornado extends TornadoKernel implements TokenLogProbs {
  private FloatArray z, u, fp, s, h, t;
  private IntArray tokens, ip;

  TokenLogProbsTornado(TornadoBackend backend) {
    super(backend, LossKernel.TOKEN_LOGPROBS);
  }

  /**
   * Row n = group id: s[n] = log p_S(token), h[n] = entropy of p_S when ip[3] != 0 (else 0), and
   * t[k, n] = log p_T_k(token) for the ip[2] teacher contexts ([K, rows, V]).
   *
   * @param ip {rows, V, K, want entropy}
   * @param fp {1/T}
   */
  static void tokenLogProbsRows(KernelContext ctx, FloatArray z, FloatArray u, IntArray tokens, IntArray ip, FloatArray fp,
      FloatArray s, FloatArray h, FloatArray t, int wg) {
    int n = ctx.groupIdx;
    int lid = ctx.localIdx;
    int rows = ip.get(0);
    int v = ip.get(1);
    int contexts = ip.get(2);
    float invT = fp.get(0);
    float[] scratch = ctx.allocateFloatLocalArray(SCRATCH);
    int token = tokens.get(n);
    int base = n * v;
    RowReductions.rowStats(ctx, scratch, z, base, v, invT, wg);
    float max = RowReductions.rowMax(scratch);
    float logZ = RowReductions.rowLogZ(scratch);
    // barriers inside a branch are legal when every work-item takes it, but PoCL 3.1 then loses
    // the writes after it: the entropy's reduction always runs, over no columns when unwanted
    int entropyColumns = ip.get(3) != 0 ? v : 0;
    float entropy = RowReductions.rowEntropy(ctx, scratch, z, base, entropyColumns, max, logZ, invT, wg);
    if (lid == 0) {
      h.set(n, entropy);
    }
    if (lid == 0) {
      s.set(n, (z.get(base + token) - max) * invT - logZ);
    }
    for (int k = 0; k < contexts; k++) {
      int tb = (k * rows + n) * v;
      RowReductions.rowStats(ctx, scratch, u, tb, v, invT, wg);
      float tm = RowReductions.rowMax(scratch);
      float tl = RowReductions.rowLogZ(scratch);
      if (lid == 0) {
        t.set(k * rows + n, (u.get(tb + token) - tm) * invT - tl);
      }
    }
  }

  @Override
  TaskGraph build(String graph, int rows, int vocab, int contexts) {
    long cells = (long) rows * vocab;
    z = floats(cells, "student_logits");
    u = floats(contexts * cells, "teacher_logits");
    tokens = ints(rows, "tokens");
    ip = new IntArray(4);
    fp = new FloatArray(1);
    s = floats(rows, "student_logprobs");
    h = floats(rows, "student_entropy");
    t = floats((long) contexts * rows, "teacher_logprobs");
    return new TaskGraph(graph)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, z, u, tokens, ip, fp)
        .task(TASK, TokenLogProbsTornado::tokenLogProbsRows, context, z, u, tokens, ip, fp, s, h, t, backend.workGroup)
        .transferToHost(DataTransferMode.EVERY_EXECUTION, s, h, t);
  }

  @Override
  public void compute(LossBatch batch, float temperature, float[] studentLogprobs, float[] studentEntropy,
      float[] teacherLogprobs) {
    int rows = batch.rows();
    Outputs.require("student_logprobs", studentLogprobs, rows);
    Outputs.optional("student_entropy", studentEntropy, rows);
    Outputs.optional("teacher_logprobs", teacherLogprobs, (long) batch.contexts() * rows);
    if (rows == 0) {
      return;
    }
    int contexts = teacherLogprobs == null ? 0 : batch.contexts();
    prepare(batch, batch.contexts());
    copyIn(batch.studentLogits(), z);
    if (contexts > 0) {
      copyTeachers(batch, u);
    }
    copyIn(batch.tokens(), tokens);
    set(ip, rows, batch.vocab(), contexts, studentEntropy == null ? 0 : 1);
    set(fp, 1f / temperature);
    execute();
    copyOut(s, studentLogprobs, rows);
    if (studentEntropy != null) {
      copyOut(h, studentEntropy, rows);
    }
    if (contexts > 0) {
      copyOut(t, teacherLogprobs, contexts * rows);
    }
  }
}
