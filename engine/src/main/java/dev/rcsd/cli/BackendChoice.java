package dev.rcsd.cli;

import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The options that pick and configure a kernel backend, shared by the commands that run kernels.
 * Settings are layered: the device files (tornado-config/*.properties beside the launcher, or
 * --device-config), then --backend-property.
 */
final class BackendChoice {
  /** Where ./rcsd says the installation is; the default device file lies under it. */
  static final String HOME_ENV = "RCSD_HOME";

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads of CPU backends (default: all cores).")
  int threads;

  @Option(names = "--device-config", paramLabel = "FILE",
      description = "Device settings file (default: tornado-config/{opencl,tornado}.properties of the installation).")
  Path deviceConfig;

  @Option(names = "--backend-property", paramLabel = "KEY=VALUE",
      description = "A backend setting, e.g. opencl.device=0 (repeatable; overrides the device file).")
  Map<String, String> properties = Map.of();

  BackendOptions options() {
    BackendOptions options = new BackendOptions(threads, properties);
    for (Path file : deviceFiles()) {
      try {
        options = options.withFile(file);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": " + e.getMessage(), e);
      }
    }
    return options;
  }

  /** --device-config, else the installation's tornado-config/{opencl,tornado}.properties. */
  private List<Path> deviceFiles() {
    if (deviceConfig != null) {
      return List.of(deviceConfig);
    }
    String home = System.getenv(HOME_ENV);
    if (home == null) {
      return List.of();
    }
    return Stream.of("opencl.properties", "tornado.properties")
        .map(name -> Path.of(home, "tornado-config", name))
        .filter(Files::isRegularFile)
        .toList();
  }
}
