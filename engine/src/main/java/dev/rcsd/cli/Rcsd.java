package dev.rcsd.cli;

import dev.rcsd.engine.golden.GoldenTensorException;
import dev.rcsd.kernels.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rcsd} command line. Exit codes: 0 success, 1 failure, 2 usage error. Failures the
 * user can fix (bad input, a missing file, an unavailable backend) print one line, no stack trace.
 */
@Command(
    name = "rcsd",
    mixinStandardHelpOptions = true,
    versionProvider = Rcsd.Version.class,
    description = "Rubric-Conditioned Self-Distillation: kernels, formats, training and evaluation.",
    subcommands = {KernelsCommand.class, BenchLossPathCommand.class, CheckpointCommand.class, RolloutsCommand.class, ForwardCommand.class,
      DataCommand.class, SftCommand.class, EvalCommand.class, TrainCommand.class, StageCommand.class, CompareCommand.class,
      CommandLine.HelpCommand.class})
public final class Rcsd {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with its output and errors going to the given writers. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Rcsd());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (isUserError(e)) {
        line.getErr().println("rcsd: " + e.getMessage());
      } else {
        line.getErr().println("rcsd: internal error");
        e.printStackTrace(line.getErr());
      }
      return CommandLine.ExitCode.SOFTWARE;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static boolean isUserError(Exception e) {
    return e instanceof GoldenTensorException
        || e instanceof InvalidInputException
        || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException
        || e instanceof IOException
        || e instanceof UncheckedIOException;
  }

  /** "rcsd VERSION", written into the files the tool produces. */
  static String producer() {
    String v = Rcsd.class.getPackage().getImplementationVersion();
    return "rcsd " + (v == null ? "(development build)" : v);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {producer()};
    }
  }
}
