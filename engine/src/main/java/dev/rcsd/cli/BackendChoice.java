package dev.rcsd.cli;

import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The options that pick and configure a kernel backend, shared by the commands that run kernels.
 * Settings are layered: the device file (tornado-config/opencl.properties beside the launcher, or
 * --device-config), then --backend-property.
 */
final class BackendChoice {
  /** Where ./rcsd says the installation is; the default device file lies under it. */
  static final String HOME_ENV = "RCSD_HOME";

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads of CPU backends (default: all cores).")
  int threads;

  @Option(names = "--device-config", paramLabel = "FILE",
      description = "Device settings file (default: tornado-config/opencl.properties of the installation).")
  Path deviceConfig;

  @Option(names = "--backend-property", paramLabel = "KEY=VALUE",
      description = "A backend setting, e.g. opencl.device=0 (repeatable; overrides the device file).")
  Map<String, String> properties = Map.of();

  BackendOptions options() {
    Map<String, String> all = new HashMap<>(deviceFile());
    all.putAll(properties);
    return new BackendOptions(threads, all);
  }

  private Map<String, String> deviceFile() {
    Path file = deviceConfig;
    if (file == null) {
      String home = System.getenv(HOME_ENV);
      if (home == null) {
        return Map.of();
      }
      file = Path.of(home, "tornado-config", "opencl.properties");
      if (!Files.isRegularFile(file)) {
        return Map.of();
      }
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    Map<String, String> map = new HashMap<>();
    p.stringPropertyNames().forEach(k -> {
      String v = p.getProperty(k).trim();
      if (!v.isEmpty()) {
        map.put(k, v);
      }
    });
    return map;
  }
}
