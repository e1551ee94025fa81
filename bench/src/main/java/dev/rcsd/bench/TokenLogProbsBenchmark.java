package dev.rcsd.bench;

import ai.djl.ndarray.NDArray;
import dev.rcsd.kernels.LossKernel;

/** {@link dev.rcsd.kernels.TokenLogProbs}: student log-probs and entropy, teacher log-probs. */
public class TokenLogProbsBenchmark extends KernelBenchmark {
  @Override
  protected LossKernel kernel() {
    return LossKernel.TOKEN_LOGPROBS;
  }

  @Override
  protected NDArray torchLoss(TorchInputs in) {
    float t = params.temperature();
    NDArray ls = in.student.div(t).logSoftmax(1);
    NDArray s = ls.gather(in.tokens, 1);
    NDArray entropy = ls.exp().mul(ls).sum(new int[] {1}).neg();
    NDArray teacher = in.teachers.div(t).logSoftmax(2).gather(in.teacherTokens, 2);
    return s.sum().add(entropy.sum()).add(teacher.sum());
  }
}
