package dev.rcsd.kernels.opencl;

import static dev.rcsd.kernels.Close.assertClose;
import static dev.rcsd.kernels.Close.maxAbs;

import dev.rcsd.kernels.Cases;
import dev.rcsd.kernels.KernelOutputs;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.Outputs;
import dev.rcsd.kernels.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TornadoVM entry points of tornado_entry.cl, driven through JOCL exactly as TornadoVM calls a
 * prebuilt task: four implicit arguments first, every array behind a native-array header, scalars
 * in parameter arrays. Checks argument order, header offsets and parameter layouts against the
 * reference without a TornadoVM SDK.
 */
class TornadoEntryTest {
  private static final int WG = 32;
  private static final int HEADER = 24;

  private OpenClProgram program;
  private cl_command_queue queue;
  private final List<cl_mem> mems = new ArrayList<>();

  @BeforeEach
  @SuppressWarnings("deprecation")
  void build() {
    var a = new OpenClBackend.Provider().probe();
    if (!a.available()) {
      System.err.println("SKIPPED TornadoVM entry tests: " + a.detail());
    }
    Assumptions.assumeTrue(a.available(), "no OpenCL device: " + a.detail());
    OpenClDevice device = OpenClDevice.select(OpenClDevice.list(), "", "");
    program = new OpenClProgram(device, WG, KernelSources.withTornadoEntries(WG, HEADER), "");
    queue = CL.clCreateCommandQueue(program.context, device.id(), 0, null);
  }

  @AfterEach
  void release() {
    mems.forEach(CL::clReleaseMemObject);
    if (queue != null) {
      CL.clReleaseCommandQueue(queue);
    }
  }

  private cl_mem array(long bytes) {
    cl_mem m = CL.clCreateBuffer(program.context, CL.CL_MEM_READ_WRITE, HEADER + Math.max(bytes, 4), null, null);
    mems.add(m);
    return m;
  }

  private cl_mem floats(float... data) {
    cl_mem m = array(data.length * 4L);
    if (data.length > 0) {
      CL.clEnqueueWriteBuffer(queue, m, CL.CL_TRUE, HEADER, data.length * 4L, Pointer.to(data), 0, null, null);
    }
    return m;
  }

  private cl_mem ints(int... data) {
    cl_mem m = array(data.length * 4L);
    CL.clEnqueueWriteBuffer(queue, m, CL.CL_TRUE, HEADER, data.length * 4L, Pointer.to(data), 0, null, null);
    return m;
  }

  private cl_mem teachers(LossBatch b) {
    int cells = b.rows() * b.vocab();
    float[] all = new float[b.contexts() * cells];
    for (int k = 0; k < b.contexts(); k++) {
      System.arraycopy(b.teacherLogits()[k], 0, all, k * cells, cells);
    }
    return floats(all);
  }

  private float[] read(cl_mem m, int n) {
    float[] out = new float[n];
    CL.clEnqueueReadBuffer(queue, m, CL.CL_TRUE, HEADER, n * 4L, Pointer.to(out), 0, null, null);
    return out;
  }

  /** Runs an entry with TornadoVM's four implicit arguments before {@code args}. */
  private void run(String name, int groups, cl_mem... args) {
    cl_kernel k = CL.clCreateKernel(program.program, name, null);
    CL.clSetKernelArg(k, 0, Sizeof.cl_mem, Pointer.to(array(128)));
    CL.clSetKernelArg(k, 1, Sizeof.cl_mem, Pointer.to(array(128)));
    CL.clSetKernelArg(k, 2, 128, null);
    CL.clSetKernelArg(k, 3, Sizeof.cl_mem, Pointer.to(array(128)));
    for (int i = 0; i < args.length; i++) {
      CL.clSetKernelArg(k, 4 + i, Sizeof.cl_mem, Pointer.to(args[i]));
    }
    CL.clEnqueueNDRangeKernel(queue, k, 1, null, new long[] {(long) groups * WG}, new long[] {WG}, 0, null, null);
    CL.clFinish(queue);
    CL.clReleaseKernel(k);
  }

  private double sum(cl_mem values, int n) {
    cl_mem out = array(4);
    run("tornado_sum_rows", 1, values, ints(n), out);
    return read(out, 1)[0];
  }

  @Test
  void entriesMatchTheReference() {
    Cases.Case c = Cases.all().get(0);
    LossBatch b = c.batch();
    LossParams p = c.params();
    int n = b.rows();
    int v = b.vocab();
    int k = b.contexts();
    float invT = 1f / p.temperature();
    KernelOutputs want = KernelOutputs.of(new ReferenceBackend(), b, p);
    cl_mem z = floats(b.studentLogits());
    cl_mem u = teachers(b);
    cl_mem tokens = ints(b.tokens());
    cl_mem mask = floats(b.mask());

    cl_mem s = array(n * 4L);
    cl_mem h = array(n * 4L);
    cl_mem t = array((long) k * n * 4);
    run("tornado_token_logprobs", n, z, u, tokens, ints(n, v, k, 1), floats(invT), s, h, t);
    assertClose("student_logprobs", want.studentLogprobs, read(s, n), 2e-5, 2e-5);
    assertClose("student_entropy", want.studentEntropy, read(h, n), 2e-5, 2e-5);
    assertClose("teacher_logprobs", want.teacherLogprobs, read(t, k * n), 2e-5, 2e-5);

    double jsdScale = Outputs.rowScale(b, k);
    cl_mem jsd = array((long) k * n * 4);
    cl_mem rowLoss = array(n * 4L);
    cl_mem grad = array((long) n * v * 4);
    run("tornado_generalized_jsd", n, z, u, mask, ints(n, v, k), floats(invT, p.jsdBeta(), (float) jsdScale), jsd,
        rowLoss, grad);
    assertClose("jsd", want.jsd, read(jsd, k * n), 2e-5, 2e-5);
    assertClose("loss_jsd", want.lossJsd(), sum(rowLoss, n) * jsdScale, 2e-5, 2e-5);
    assertClose("grad_jsd", want.gradJsd, read(grad, n * v), 2e-5 * maxAbs(want.gradJsd), 2e-5);

    run("tornado_topk_distillation", n, z, u, mask, ints(n, v, k, Math.min(p.topK(), v)),
        floats(invT, p.klClip(), (float) jsdScale), jsd, rowLoss, grad);
    assertClose("topk_kl", want.topkKl, read(jsd, k * n), 2e-5, 2e-5);
    assertClose("grad_topk", want.gradTopk, read(grad, n * v), 2e-5 * maxAbs(want.gradTopk), 2e-5);

    double pgScale = Outputs.rowScale(b, 1);
    cl_mem adv = array(n * 4L);
    run("tornado_rubric_advantage", n, z, u, tokens, mask, floats(b.criterionWeights()), ints(n, v, k),
        floats(invT, p.advClip(), (float) pgScale), s, adv, rowLoss, grad);
    assertClose("advantages", want.advantages, read(adv, n), 2e-5, 2e-5);
    assertClose("loss_pg", want.lossPg(), sum(rowLoss, n) * pgScale, 2e-5, 2e-5);
    assertClose("grad_pg", want.gradPg, read(grad, n * v), 2e-5 * maxAbs(want.gradPg), 2e-5);

    run("tornado_grpo_loss", n, z, tokens, mask, floats(b.oldLogprobs()), floats(b.refLogprobs()),
        floats(b.seqAdvantages()), ints(v), floats(invT, p.epsLow(), p.epsHigh(), p.klCoef(), (float) pgScale), s,
        rowLoss, grad);
    assertClose("loss_grpo", want.lossGrpo(), sum(rowLoss, n) * pgScale, 2e-5, 2e-5);
    assertClose("grad_grpo", want.gradGrpo, read(grad, n * v), 2e-5 * maxAbs(want.gradGrpo), 2e-5);
  }
}
