package dev.rcsd.cli;

import ai.djl.ndarray.NDManager;
import dev.rcsd.engine.golden.GoldenInputs;
import dev.rcsd.engine.golden.GoldenTensorException;
import dev.rcsd.engine.golden.GoldenTensorFile;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelOutputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs every kernel on golden-tensor inputs and writes the outputs under the same file name. All
 * inputs are checked before anything is written, so bad input leaves no output file.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run every kernel of a backend on .npz inputs; write DIR/<same name> with all outputs.")
final class KernelsRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--backend", required = true, paramLabel = "NAME", description = "See 'rcsd kernels backends'.")
  String backend;

  @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Where the output .npz files go.")
  Path outDir;

  @Mixin BackendChoice choice;

  @Parameters(arity = "1..*", paramLabel = "FILE.npz", description = "Input archives (see the README for the names).")
  List<Path> files;

  @Override
  public Integer call() throws IOException, GoldenTensorException {
    Set<Path> names = new HashSet<>();
    for (Path f : files) {
      if (!names.add(f.getFileName())) {
        throw new IllegalArgumentException("two inputs are named " + f.getFileName() + "; outputs would collide");
      }
      Path out = outDir.resolve(f.getFileName());
      if (Files.exists(out) && Files.isSameFile(out, f)) {
        throw new IllegalArgumentException(out + " would overwrite its own input; choose another --out-dir");
      }
    }
    try (NDManager manager = NDManager.newBaseManager();
        KernelBackend kernels = Backends.open(backend, choice.options())) {
      for (Path f : files) {
        GoldenTensorFile.read(f, manager); // every input is checked before any output is written
      }
      for (Path f : files) {
        long start = System.nanoTime();
        GoldenInputs in = GoldenTensorFile.read(f, manager);
        KernelOutputs out = KernelOutputs.of(kernels, in.batch(), in.params());
        Path target = outDir.resolve(f.getFileName());
        GoldenTensorFile.write(target, in.batch(), out, manager);
        spec.commandLine().getOut().printf("%s -> %s  (%s, %s, %.0f ms)%n", f, target, in.batch(), kernels.name(),
            (System.nanoTime() - start) / 1e6);
      }
    }
    return 0;
  }
}
