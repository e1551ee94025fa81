package dev.rcsd.kernels.simd;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.GeneralizedJsd;
import dev.rcsd.kernels.GrpoLoss;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendProvider;
import dev.rcsd.kernels.RubricAdvantage;
import dev.rcsd.kernels.TokenLogProbs;
import dev.rcsd.kernels.TopKDistillation;

/** Vector API kernels with rows spread over a pool of worker threads. */
public final class SimdBackend implements KernelBackend {
  public static final String NAME = "simd";

  private final RowParallel parallel;
  private final TokenLogProbs tokenLogProbs;
  private final GeneralizedJsd generalizedJsd;
  private final TopKDistillation topKDistillation;
  private final RubricAdvantage rubricAdvantage;
  private final GrpoLoss grpoLoss;

  public SimdBackend(int threads) {
    parallel = new RowParallel(threads);
    tokenLogProbs = new TokenLogProbsSimd(parallel);
    generalizedJsd = new GeneralizedJsdSimd(parallel);
    topKDistillation = new TopKDistillationSimd(parallel);
    rubricAdvantage = new RubricAdvantageSimd(parallel);
    grpoLoss = new GrpoLossSimd(parallel);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String device() {
    return describe(parallel.threads());
  }

  static String describe(int threads) {
    return "Vector API, " + SimdRows.L + " x float32 lanes (" + SimdRows.F.vectorBitSize() + "-bit), "
        + threads + (threads == 1 ? " thread" : " threads");
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
  public void close() {
    parallel.close();
  }

  /** Available wherever the JVM was started with {@code --add-modules jdk.incubator.vector}. */
  public static final class Provider implements KernelBackendProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Availability probe() {
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return Availability.missing("the JVM lacks --add-modules jdk.incubator.vector");
      }
      return Availability.of(describe(Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public KernelBackend open(BackendOptions options) {
      return new SimdBackend(options.effectiveThreads());
    }
  }
}
