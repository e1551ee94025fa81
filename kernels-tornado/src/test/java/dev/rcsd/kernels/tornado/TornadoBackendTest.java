package dev.rcsd.kernels.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Cases;
import dev.rcsd.kernels.Close;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendContract;
import dev.rcsd.kernels.KernelBackendProvider;
import dev.rcsd.kernels.KernelOutputs;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The backend contract on TornadoVM's default device (PoCL in CI). Without the TornadoVM runtime
 * on the JVM every test is skipped with the reason, printed and reported.
 */
class TornadoBackendTest extends KernelBackendContract {
  @Override
  protected KernelBackend open() {
    KernelBackendProvider.Availability a = new TornadoBackendProvider().probe();
    if (!a.available()) {
      System.err.println("SKIPPED tornado backend tests: " + a.detail());
    }
    Assumptions.assumeTrue(a.available(), "tornado backend unavailable: " + a.detail());
    return TornadoBackend.open(BackendOptions.DEFAULTS);
  }

  /** Another work-group size compiles other constants into the kernels and must agree. */
  @Test
  void aSmallWorkGroupGivesTheSameResults() {
    try (KernelBackend small = TornadoBackend.open(new BackendOptions(0, Map.of("tornado.workgroup", "16")))) {
      assertTrue(small.device().endsWith("work-group 16"), small.device());
      var c = Cases.all().get(7);
      var a = KernelOutputs.of(backend(), c.batch(), c.params());
      var b = KernelOutputs.of(small, c.batch(), c.params());
      Close.assertClose("grad_jsd", a.gradJsd, b.gradJsd, 1e-6, 1e-4);
      Close.assertClose("topk_kl", a.topkKl, b.topkKl, 1e-6, 1e-4);
    }
  }

  @Test
  void aWorkGroupThatIsNotAPowerOfTwoIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TornadoBackend.open(new BackendOptions(0, Map.of("tornado.workgroup", "100"))));
    assertTrue(e.getMessage().contains("power of two"), e.getMessage());
  }

  @Test
  void aDeviceThatDoesNotExistIsNamed() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TornadoBackend.open(new BackendOptions(0, Map.of("tornado.device", "0:9"))));
    assertTrue(e.getMessage().contains("0:9"), e.getMessage());
  }

  @Test
  void rowCapacitiesStepByAQuarterOfAPowerOfTwo() {
    assertEquals(1, TornadoKernel.capacity(0));
    assertEquals(7, TornadoKernel.capacity(7));
    assertEquals(10, TornadoKernel.capacity(9));
    assertEquals(640, TornadoKernel.capacity(513));
    assertEquals(512, TornadoKernel.capacity(512));
  }
}
