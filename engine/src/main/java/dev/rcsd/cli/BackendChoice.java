package dev.rcsd.cli;

import dev.rcsd.kernels.BackendOptions;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that pick and configure a kernel backend, shared by the commands that run kernels. */
final class BackendChoice {
  @Option(names = "--threads", paramLabel = "N", description = "Worker threads of CPU backends (default: all cores).")
  int threads;

  @Option(names = "--backend-property", paramLabel = "KEY=VALUE",
      description = "A backend-specific setting, e.g. opencl.device=0 (repeatable).")
  Map<String, String> properties = Map.of();

  BackendOptions options() {
    return new BackendOptions(threads, properties);
  }
}
