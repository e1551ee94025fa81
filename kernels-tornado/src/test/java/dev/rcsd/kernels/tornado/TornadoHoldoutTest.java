package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendContract;
import dev.rcsd.kernels.KernelBackendProvider;
import dev.rcsd.kernels.KernelOutputs;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.SyntheticBatch;
import dev.rcsd.kernels.SyntheticBatch.Spec;
import dev.rcsd.kernels.reference.ReferenceBackend;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hold-out cases the kernels were not developed against (seeds and shapes of their own), run one
 * after another on one backend so that plans are reused across row counts and rebuilt across
 * vocabularies, each against the float64 reference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TornadoHoldoutTest {
  private KernelBackend backend;

  @BeforeAll
  void open() {
    KernelBackendProvider.Availability a = new TornadoBackendProvider().probe();
    if (!a.available()) {
      System.err.println("SKIPPED tornado hold-out tests: " + a.detail());
    }
    Assumptions.assumeTrue(a.available(), "tornado backend unavailable: " + a.detail());
    backend = TornadoBackend.open(BackendOptions.DEFAULTS);
  }

  @AfterAll
  void close() {
    if (backend != null) {
      backend.close();
    }
  }

  static Stream<Arguments> holdout() {
    LossParams p = LossParams.DEFAULTS;
    return Stream.of(
        Arguments.of("V=11", 9001, Spec.of(13, 11, 2), p.withTopK(4)),
        Arguments.of("V=11, k=V, padded", 9002, Spec.of(5, 11, 1).padded(0.2), p.withTopK(11)),
        Arguments.of("41 rows after 13 (same plan capacity class differs)", 9003, Spec.of(41, 500, 3), p),
        Arguments.of("40 rows (capacity of 41 reused)", 9004, Spec.of(40, 500, 3).extreme(0.05), p.withJsdBeta(0.1f)),
        // at T = 0.5 the scaled logits reach +-320 and every float32 backend (simd, opencl, tornado
        // alike) is 2.6e-5 off in the advantages: float32's resolution there, not a kernel's error
        Arguments.of("+-80 logits, beta=1, T=0.8", 9005, Spec.of(9, 4099, 2).extreme(0.1),
            p.withJsdBeta(1f).withTemperature(0.8f)),
        Arguments.of("empty mask", 9006, Spec.of(7, 777, 2).masked(1.0), p),
        Arguments.of("V=151936, padding, +-80", 9007, Spec.of(4, 151_936, 2).padded(0.01).extreme(0.001),
            p.withTopK(20).withTemperature(1.2f)),
        Arguments.of("V=151936, k=64, ties", 9008, Spec.of(2, 151_936, 1).withTies(), p.withTopK(64)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("holdout")
  void matchesTheFloat64Reference(String name, long seed, Spec spec, LossParams params) {
    LossBatch batch = SyntheticBatch.draw(seed, spec);
    KernelBackendContract.assertMatchesReference(KernelOutputs.of(new ReferenceBackend(), batch, params),
        KernelOutputs.of(backend, batch, params));
  }
}
