package dev.rcsd.kernels;

import java.util.Optional;

/**
 * One implementation of every loss kernel. Backends are opened through {@link Backends} and hold
 * their resources (thread pools, device buffers, compiled programs) until closed. A backend may be
 * used from one thread at a time; each call is itself parallel where the backend is.
 */
public interface KernelBackend extends AutoCloseable {
  /** The name users select it by, e.g. {@code simd}. */
  String name();

  /** What it runs on, e.g. {@code Vector API, 16 x float32 lanes, 2 threads}. */
  String device();

  TokenLogProbs tokenLogProbs();

  GeneralizedJsd generalizedJsd();

  TopKDistillation topKDistillation();

  RubricAdvantage rubricAdvantage();

  GrpoLoss grpoLoss();

  /**
   * The backend's own measurement of the last call of {@code kernel}, one line (TornadoVM's
   * profiler for tornado), or empty where the backend keeps none.
   */
  default Optional<String> lastProfile(LossKernel kernel) {
    return Optional.empty();
  }

  @Override
  void close();
}
