package dev.rcsd.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.kernels.LossKernel;

/** {@link dev.rcsd.kernels.TopKDistillation}: RCSD's released top-20 clipped forward KL. */
public class TopKDistillationBenchmark extends KernelBenchmark {
  @Override
  protected LossKernel kernel() {
    return LossKernel.TOPK;
  }

  @Override
  protected NDArray torchLoss(TorchInputs in) {
    float t = params.temperature();
    NDList top = in.teachers.topK(params.topK(), 2); // values, ids [K, N, k]
    NDArray lt = top.get(0).div(t).logSoftmax(2);
    Shape full = in.teachers.getShape();
    NDArray zs = in.student.expandDims(0).broadcast(full).gather(top.get(1), 2);
    NDArray ls = zs.div(t).logSoftmax(2);
    NDArray terms = lt.exp().mul(lt.sub(ls)).minimum(params.klClip());
    return terms.sum(new int[] {2}).mul(in.mask).sum().div(in.contexts * in.maskSum);
  }
}
