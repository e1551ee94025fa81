package dev.rcsd.bench;

import ai.djl.ndarray.NDArray;
import dev.rcsd.kernels.LossKernel;

/** {@link dev.rcsd.kernels.GeneralizedJsd} at beta = 0.5 over the full vocabulary. */
public class GeneralizedJsdBenchmark extends KernelBenchmark {
  @Override
  protected LossKernel kernel() {
    return LossKernel.JSD;
  }

  @Override
  protected NDArray torchLoss(TorchInputs in) {
    float t = params.temperature();
    float beta = params.jsdBeta();
    NDArray ls = in.student.div(t).logSoftmax(1); // [N, V]
    NDArray lt = in.teachers.div(t).logSoftmax(2); // [K, N, V]
    NDArray ps = ls.exp();
    NDArray pt = lt.exp();
    NDArray logM = ps.mul(1 - beta).add(pt.mul(beta)).log();
    NDArray jsd = pt.mul(lt.sub(logM)).mul(beta).add(ps.mul(ls.sub(logM)).mul(1 - beta)).sum(new int[] {2});
    return jsd.mul(in.mask).sum().div(in.contexts * in.maskSum);
  }
}
