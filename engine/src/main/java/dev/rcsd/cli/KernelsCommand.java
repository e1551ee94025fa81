package dev.rcsd.cli;

import picocli.CommandLine.Command;

/** {@code rcsd kernels ...}: the loss-kernel library from the command line. */
@Command(
    name = "kernels",
    mixinStandardHelpOptions = true,
    description = "List, run and benchmark the loss-kernel backends.",
    subcommands = {KernelsBackendsCommand.class, KernelsDevicesCommand.class, KernelsRunCommand.class,
      KernelsCompareCommand.class,
      KernelsBenchCommand.class})
final class KernelsCommand {}
