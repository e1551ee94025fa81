package dev.rcsd.kernels;

/**
 * A kind of backend, found through {@link java.util.ServiceLoader}. Probing must be cheap and must
 * not load classes of an optional runtime unless that runtime is present.
 */
public interface KernelBackendProvider {
  String name();

  /** Whether this machine can run the backend: the device it would use, or why not. */
  Availability probe();

  /** Opens the backend; throws {@link IllegalStateException} when it is unavailable. */
  KernelBackend open(BackendOptions options);

  /** @param detail the device when available, the reason when not */
  record Availability(boolean available, String detail) {
    public static Availability of(String device) {
      return new Availability(true, device);
    }

    public static Availability missing(String reason) {
      return new Availability(false, reason);
    }
  }
}
