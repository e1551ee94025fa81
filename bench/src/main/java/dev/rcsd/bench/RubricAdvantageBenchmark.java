package dev.rcsd.bench;

import ai.djl.ndarray.NDArray;
import dev.rcsd.kernels.LossKernel;

/** {@link dev.rcsd.kernels.RubricAdvantage}: per-criterion log-ratios as a per-token advantage. */
public class RubricAdvantageBenchmark extends KernelBenchmark {
  @Override
  protected LossKernel kernel() {
    return LossKernel.RUBRIC_ADVANTAGE;
  }

  @Override
  protected NDArray torchLoss(TorchInputs in) {
    float t = params.temperature();
    float a = params.advClip();
    NDArray s = in.student.div(t).logSoftmax(1).gather(in.tokens, 1).squeeze(1); // [N]
    NDArray teacher = in.teachers.div(t).logSoftmax(2).gather(in.teacherTokens, 2).squeeze(2); // [K, N]
    NDArray adv = teacher.sub(s.stopGradient()).clip(-a, a).mul(in.weights).sum(new int[] {0}).mul(in.mask);
    return adv.mul(in.mask).mul(s).sum().neg().div(in.maskSum);
  }
}
