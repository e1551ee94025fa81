package dev.rcsd.engine.rl;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendProvider;
import dev.rcsd.kernels.RubricAdvantage;
import dev.rcsd.kernels.TokenLogProbs;
import dev.rcsd.kernels.TopKDistillation;

/**
 * A test backend: the simd backend, except that RCSD's top-k loss returns NaN from its call
 * number {@code poisoned.after} + 1 on (never without that property), to test how a run stops.
 */
public final class PoisonedBackend implements KernelBackendProvider {
  public static final String NAME = "poisoned";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Availability probe() {
    return Availability.of("simd with a NaN after poisoned.after top-k calls (tests only)");
  }

  @Override
  public KernelBackend open(BackendOptions options) {
    long after = Long.parseLong(options.property("poisoned.after", String.valueOf(Long.MAX_VALUE)));
    KernelBackend simd = Backends.open("simd", options);
    long[] calls = {0};
    return new KernelBackend() {
      @Override
      public String name() {
        return NAME;
      }

      @Override
      public String device() {
        return simd.device();
      }

      @Override
      public TokenLogProbs tokenLogProbs() {
        return simd.tokenLogProbs();
      }

      @Override
      public GeneralizedJsd generalizedJsd() {
        return simd.generalizedJsd();
      }

      @Override
      public TopKDistillation topKDistillation() {
        return (batch, params, logprobs, kl, grad) -> {
          double loss = simd.topKDistillation().compute(batch, params, logprobs, kl, grad);
          return ++calls[0] > after ? Double.NaN : loss;
        };
      }

      @Override
      public RubricAdvantage rubricAdvantage() {
        return simd.rubricAdvantage();
      }

      @Override
      public GrpoLoss grpoLoss() {
        return simd.grpoLoss();
      }

      @Override
      public void close() {
        simd.close();
      }
    };
  }
}
