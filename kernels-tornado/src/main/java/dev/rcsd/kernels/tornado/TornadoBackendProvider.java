package dev.rcsd.kernels.tornado;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendProvider;

/**
 * Finds the tornado backend. This class names no TornadoVM type, so listing backends loads no
 * TornadoVM class unless the TornadoVM runtime was started with the JVM, which its launcher
 * arguments (tornado-config/tornado-argfile.template) announce by setting
 * {@code tornado.load.api.implementation}.
 */
public final class TornadoBackendProvider implements KernelBackendProvider {
  static final String RUNTIME_PROPERTY = "tornado.load.api.implementation";

  @Override
  public String name() {
    return TornadoBackend.NAME;
  }

  @Override
  public Availability probe() {
    if (System.getProperty(RUNTIME_PROPERTY) == null) {
      return Availability.missing("the TornadoVM runtime is not loaded (run with the SDK's launcher arguments: "
          + "README, TornadoVM backend)");
    }
    try {
      return Availability.of(TornadoBackend.describe(BackendOptions.DEFAULTS));
    } catch (LinkageError | RuntimeException e) {
      return Availability.missing("TornadoVM failed to start: " + e);
    }
  }

  @Override
  public KernelBackend open(BackendOptions options) {
    return TornadoBackend.open(options);
  }
}
