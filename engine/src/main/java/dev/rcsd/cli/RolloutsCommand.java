package dev.rcsd.cli;

import dev.rcsd.io.rollout.RolloutInspector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rcsd rollouts ...}: look into the files that link the training stages. */
@Command(name = "rollouts", mixinStandardHelpOptions = true, description = "Inspect rollout files.",
    subcommands = RolloutsCommand.Inspect.class)
final class RolloutsCommand {
  private RolloutsCommand() {}

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Describe a rollout file: its batch and one line per rollout.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws IOException {
      spec.commandLine().getOut().print(RolloutInspector.describe(file));
      return 0;
    }
  }
}
