package dev.rcsd.cli;

import dev.rcsd.engine.io.NpyWriter;
import dev.rcsd.engine.model.PolicyModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs one sequence through a model and writes its logits. */
@Command(name = "forward", mixinStandardHelpOptions = true,
    description = "Write the float32 logits [T, V] of one token sequence as .npy.")
final class ForwardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH",
      description = "A Hugging Face folder (config.json + safetensors) or an rcsd .ckpt.")
  Path model;

  @Option(names = "--tokens", required = true, split = ",", paramLabel = "ID,ID,...", description = "Token ids.")
  List<Integer> tokens;

  @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "Where the logits go.")
  Path out;

  @Override
  public Integer call() throws IOException {
    int[] ids = tokens.stream().mapToInt(Integer::intValue).toArray();
    try (PolicyModel m = PolicyModel.load(model)) {
      float[] logits = m.logits(ids);
      NpyWriter.write(out, logits, ids.length, m.config().vocabSize());
      spec.commandLine().getOut().printf("%s: logits [%d, %d] of a %s model%n", out, ids.length,
          m.config().vocabSize(), m.config().family());
    }
    return 0;
  }
}
