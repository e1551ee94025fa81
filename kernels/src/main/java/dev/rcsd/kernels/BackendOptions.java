package dev.rcsd.kernels;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * How to open a backend.
 *
 * @param threads    worker threads for CPU backends; 0 means one per available processor
 * @param properties backend-specific settings, e.g. {@code opencl.device}; never read from System
 */
public record BackendOptions(int threads, Map<String, String> properties) {
  public static final BackendOptions DEFAULTS = new BackendOptions(0, Map.of());

  public BackendOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads = " + threads + " must be >= 0");
    }
    properties = Map.copyOf(properties);
  }

  /** The thread count to use: {@link #threads()}, or the number of available processors. */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  public BackendOptions withThreads(int n) {
    return new BackendOptions(n, properties);
  }

  /** These options with {@code key} set unless it is set already. */
  public BackendOptions withProperty(String key, String value) {
    Map<String, String> merged = new HashMap<>(properties);
    merged.putIfAbsent(key, value);
    return new BackendOptions(threads, merged);
  }

  public String property(String key, String fallback) {
    return properties.getOrDefault(key, fallback);
  }

  /**
   * A power-of-two work-group size for a device: {@code PREFIX.workgroup} when set, else the first
   * {@code PREFIX.workgroup.<part of the device name>} that the name contains (case-insensitive),
   * else {@code PREFIX.workgroup.default}, else {@code fallback}.
   */
  public int workGroup(String prefix, String deviceName, int fallback) {
    String key = prefix + ".workgroup";
    String chosen = properties.get(key);
    if (chosen == null) {
      String name = deviceName.toLowerCase(Locale.ROOT);
      chosen = properties.entrySet().stream()
          .filter(e -> e.getKey().startsWith(key + ".") && !e.getKey().equals(key + ".default"))
          .filter(e -> name.contains(e.getKey().substring(key.length() + 1).toLowerCase(Locale.ROOT)))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(properties.getOrDefault(key + ".default", String.valueOf(fallback)));
    }
    int wg;
    try {
      wg = Integer.parseInt(chosen.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(prefix + " work-group size '" + chosen + "' is not a number");
    }
    if (wg < 1 || Integer.bitCount(wg) != 1) {
      throw new IllegalArgumentException(prefix + " work-group size " + wg + " must be a power of two");
    }
    return wg;
  }

  /** These options under the settings of a properties file (e.g. tornado-config/opencl.properties); empty values are skipped. */
  public BackendOptions withFile(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    Map<String, String> merged = new HashMap<>();
    p.stringPropertyNames().forEach(k -> {
      String v = p.getProperty(k).trim();
      if (!v.isEmpty()) {
        merged.put(k, v);
      }
    });
    merged.putAll(properties);
    return new BackendOptions(threads, merged);
  }
}
