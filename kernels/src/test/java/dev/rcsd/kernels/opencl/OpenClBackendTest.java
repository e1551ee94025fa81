package dev.rcsd.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendContract;
import dev.rcsd.kernels.KernelBackendProvider;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The backend contract on the first OpenCL device (PoCL in CI). On a machine without an OpenCL
 * platform every test is skipped with the reason, printed and reported, never silently.
 */
class OpenClBackendTest extends KernelBackendContract {
  @Override
  protected KernelBackend open() {
    KernelBackendProvider.Availability a = new OpenClBackend.Provider().probe();
    if (!a.available()) {
      System.err.println("SKIPPED opencl backend tests: " + a.detail());
    }
    Assumptions.assumeTrue(a.available(), "opencl backend unavailable: " + a.detail());
    return OpenClBackend.open(BackendOptions.DEFAULTS);
  }

  /** A small work-group exercises the reductions with more work per item. */
  @Test
  void aSmallWorkGroupGivesTheSameResults() {
    try (KernelBackend small = OpenClBackend.open(new BackendOptions(0, Map.of("opencl.workgroup", "16")))) {
      assertTrue(small.device().endsWith("work-group 16"), small.device());
      var c = dev.rcsd.kernels.Cases.all().get(7);
      var a = dev.rcsd.kernels.KernelOutputs.of(backend(), c.batch(), c.params());
      var b = dev.rcsd.kernels.KernelOutputs.of(small, c.batch(), c.params());
      dev.rcsd.kernels.Close.assertClose("grad_jsd", a.gradJsd, b.gradJsd, 1e-6, 1e-4);
      dev.rcsd.kernels.Close.assertClose("topk_kl", a.topkKl, b.topkKl, 1e-6, 1e-4);
    }
  }

  @Test
  void aWorkGroupThatIsNotAPowerOfTwoIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OpenClBackend.open(new BackendOptions(0, Map.of("opencl.workgroup", "100"))));
    assertTrue(e.getMessage().contains("power of two"), e.getMessage());
  }

  @Test
  void aDeviceThatDoesNotExistIsNamed() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OpenClBackend.open(new BackendOptions(0, Map.of("opencl.device", "no-such-device"))));
    assertEquals(true, e.getMessage().contains("no-such-device"));
  }
}
