package dev.rcsd.cli;

import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackendProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints one usable backend per line (name, then device); unusable ones go to stderr with the reason. */
@Command(name = "backends", mixinStandardHelpOptions = true,
    description = "One available backend per line, its name first; unavailable ones on stderr with the reason.")
final class KernelsBackendsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    for (KernelBackendProvider p : Backends.providers()) {
      KernelBackendProvider.Availability a = p.probe();
      if (a.available()) {
        spec.commandLine().getOut().printf("%-10s %s%n", p.name(), a.detail());
      } else {
        spec.commandLine().getErr().printf("%-10s unavailable: %s%n", p.name(), a.detail());
      }
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
