package dev.rcsd.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.rcsd.kernels.LossKernel;

/** {@link dev.rcsd.kernels.GrpoLoss}: clipped ratio surrogate with the k3 KL. */
public class GrpoLossBenchmark extends KernelBenchmark {
  @Override
  protected LossKernel kernel() {
    return LossKernel.GRPO;
  }

  @Override
  protected NDArray torchLoss(TorchInputs in) {
    float t = params.temperature();
    NDArray s = in.student.div(t).logSoftmax(1).gather(in.tokens, 1).squeeze(1); // [N]
    NDArray rho = s.sub(in.old).exp();
    NDArray unclipped = rho.mul(in.advantages);
    NDArray clipped = rho.clip(1 - params.epsLow(), 1 + params.epsHigh()).mul(in.advantages);
    NDArray logRatio = in.ref.sub(s);
    NDArray kl = logRatio.exp().sub(logRatio).sub(1).mul(params.klCoef());
    NDArray l = NDArrays.minimum(unclipped, clipped).neg().add(kl);
    return l.mul(in.mask).sum().div(in.maskSum);
  }
}
