package dev.rcsd.cli;

import dev.rcsd.engine.model.LoraCheckpoints;
import dev.rcsd.io.Sizes;
import dev.rcsd.io.checkpoint.CheckpointInspector;
import dev.rcsd.io.hf.HfExport;
import dev.rcsd.io.hf.HfImport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rcsd checkpoint ...}: import, export, verify and inspect checkpoint files. */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    description = "Convert between Hugging Face folders and .ckpt files; verify and inspect them.",
    subcommands = {
      CheckpointCommand.Import.class,
      CheckpointCommand.Export.class,
      CheckpointCommand.Verify.class,
      CheckpointCommand.Inspect.class
    })
final class CheckpointCommand {
  private CheckpointCommand() {}

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Copy a Hugging Face folder (config.json + model.safetensors or shards) into a checkpoint.")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "HF_DIR", description = "The Hugging Face model folder.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "FILE.ckpt", description = "The checkpoint to write.")
    Path to;

    @Option(names = "--chunk-bytes", paramLabel = "N", description = "Bytes per tensor chunk (default 4 MiB).")
    int chunkBytes;

    @Option(names = "--adapter", paramLabel = "PEFT_DIR",
        description = "A PEFT LoRA folder (adapter_config.json, adapter_model.safetensors) to apply as adapters.")
    Path adapter;

    @Override
    public Integer call() throws IOException {
      HfImport.Summary s = HfImport.run(from, to, Rcsd.producer(), chunkBytes);
      if (adapter != null) {
        LoraCheckpoints.applyAdapter(to, adapter);
      }
      spec.commandLine().getOut().printf("%s: %d tensors, %s%s%n", to, s.tensors(), Sizes.bytes(s.bytes()),
          adapter == null ? "" : ", with the adapters of " + adapter);
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write a checkpoint's parameters as DIR/config.json and DIR/model.safetensors (LoRA adapters"
          + " merged, and also as a PEFT folder DIR/adapter).")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "FILE.ckpt", description = "The checkpoint to read.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The folder to write.")
    Path to;

    @Override
    public Integer call() throws IOException {
      boolean lora = LoraCheckpoints.hasAdapters(from);
      HfExport.Summary s = lora ? LoraCheckpoints.export(from, to) : HfExport.run(from, to);
      spec.commandLine().getOut().printf("%s: %d tensors, %s%s%n", to, s.tensors(), Sizes.bytes(s.bytes()),
          lora ? " (adapters merged; PEFT adapter in " + to.resolve(LoraCheckpoints.ADAPTER_FOLDER) + ")" : "");
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check every chunk checksum and the footer; exit 0 only if all hold.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE.ckpt")
    Path file;

    @Override
    public Integer call() throws IOException {
      CheckpointInspector.Report r = CheckpointInspector.verify(file);
      spec.commandLine().getOut().printf("%s: ok (%d tensors, %s)%n", file, r.tensors().size(),
          Sizes.bytes(r.fileBytes()));
      return 0;
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Describe a checkpoint: producer, model, training state and every tensor.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE.ckpt")
    Path file;

    @Override
    public Integer call() throws IOException {
      spec.commandLine().getOut().print(CheckpointInspector.describe(file));
      return 0;
    }
  }
}
