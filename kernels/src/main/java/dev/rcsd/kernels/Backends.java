package dev.rcsd.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The registry of kernel backends on the class path. */
public final class Backends {
  private Backends() {}

  /** The backend built only with a TornadoVM SDK (module kernels-tornado). */
  static final String TORNADO = "tornado";

  /**
   * Every provider on the class path, in class-path order, whether usable here or not; the tornado
   * backend, when it was not built, as a provider that says so.
   */
  public static List<KernelBackendProvider> providers() {
    List<KernelBackendProvider> all = new ArrayList<>();
    ServiceLoader.load(KernelBackendProvider.class).forEach(all::add);
    if (all.stream().noneMatch(p -> p.name().equals(TORNADO))) {
      all.add(new NotBuilt(TORNADO, "not built: it needs a TornadoVM SDK in TORNADOVM_HOME and JDK 25, with which"
          + " ./rcsd builds and loads it (README: the tornado backend)"));
    }
    return all;
  }

  /** A backend this build left out, and why. */
  private record NotBuilt(String name, String reason) implements KernelBackendProvider {
    @Override
    public Availability probe() {
      return Availability.missing(reason);
    }

    @Override
    public KernelBackend open(BackendOptions options) {
      throw new IllegalStateException("backend '" + name + "' is unavailable: " + reason);
    }
  }

  /** The provider called {@code name}. */
  public static KernelBackendProvider provider(String name) {
    List<KernelBackendProvider> all = providers();
    return all.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown backend '" + name + "'; known: "
            + all.stream().map(KernelBackendProvider::name).collect(Collectors.joining(", "))));
  }

  /** Opens the backend called {@code name}, or explains why it cannot run here. */
  public static KernelBackend open(String name, BackendOptions options) {
    KernelBackendProvider p = provider(name);
    KernelBackendProvider.Availability a = p.probe();
    if (!a.available()) {
      throw new IllegalStateException("backend '" + name + "' is unavailable: " + a.detail());
    }
    return p.open(options);
  }
}
