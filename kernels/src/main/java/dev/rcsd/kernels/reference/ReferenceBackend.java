package dev.rcsd.kernels.reference;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendProvider;
import dev.rcsd.kernels.RubricAdvantage;
import dev.rcsd.kernels.TokenLogProbs;
import dev.rcsd.kernels.TopKDistillation;

/**
 * The scalar oracle: one thread, double accumulators, each formula written out term by term. Every
 * other backend is tested against it, and it is tested against finite differences.
 */
public final class ReferenceBackend implements KernelBackend {
  public static final String NAME = "reference";

  private final TokenLogProbs tokenLogProbs = new TokenLogProbsReference();
  private final GeneralizedJsd generalizedJsd = new GeneralizedJsdReference();
  private final TopKDistillation topKDistillation = new TopKDistillationReference();
  private final RubricAdvantage rubricAdvantage = new RubricAdvantageReference();
  private final GrpoLoss grpoLoss = new GrpoLossReference();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String device() {
    return "scalar Java, double accumulators, 1 thread";
  }

  @Override
  public TokenLogProbs tokenLogProbs() {
    return tokenLogProbs;
  }

  @Override
  public GeneralizedJsd generalizedJsd() {
    return generalizedJsd;
  }

  @Override
  public TopKDistillation topKDistillation() {
    return topKDistillation;
  }

  @Override
  public RubricAdvantage rubricAdvantage() {
    return rubricAdvantage;
  }

  @Override
  public GrpoLoss grpoLoss() {
    return grpoLoss;
  }

  @Override
  public void close() {}

  /** Always available. */
  public static final class Provider implements KernelBackendProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Availability probe() {
      return Availability.of("scalar Java, double accumulators, 1 thread");
    }

    @Override
    public KernelBackend open(BackendOptions options) {
      return new ReferenceBackend();
    }
  }
}
