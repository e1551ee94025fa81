package dev.rcsd.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The registry of kernel backends on the class path. */
public final class Backends {
  private Backends() {}

  /** Every provider on the class path, in class-path order, whether usable here or not. */
  public static List<KernelBackendProvider> providers() {
    List<KernelBackendProvider> all = new ArrayList<>();
    ServiceLoader.load(KernelBackendProvider.class).forEach(all::add);
    return all;
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
