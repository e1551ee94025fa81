package dev.rcsd.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.hf.HfExport;
import dev.rcsd.io.proto.CheckpointHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checkpoints of models with LoRA adapters to and from Hugging Face folders: the export merges the
 * adapters into the weights (what transformers loads) and writes the adapters beside them as a PEFT
 * folder; the import applies a PEFT folder to a base model, adapters kept apart.
 */
public final class LoraCheckpoints {
  /** Where the export puts the PEFT adapter folder, inside the merged model's folder. */
  public static final String ADAPTER_FOLDER = "adapter";

  private LoraCheckpoints() {}

  /**
   * Whether the model at {@code path} (checkpoint or folder) has adapters; its config.json need not
   * describe a model this engine runs.
   */
  public static boolean hasAdapters(Path path) throws IOException {
    return new ObjectMapper().readTree(ModelWeights.configJson(path)).has(ModelConfig.LORA_KEY);
  }

  /**
   * Writes {@code dir} as a Hugging Face folder of the merged model (W + (alpha / r) B A, config.json
   * without adapters, the checkpoint's companion files) and {@code dir/adapter} as a PEFT folder.
   */
  public static HfExport.Summary export(Path checkpoint, Path dir) throws IOException {
    CheckpointHeader header;
    try (CheckpointReader r = CheckpointReader.open(checkpoint)) {
      header = r.header();
    }
    Files.createDirectories(dir);
    Path merged = Files.createTempFile(dir, ".merged-", ".ckpt");
    try (PolicyModel model = PolicyModel.load(checkpoint); PolicyModel m = model.merged()) {
      ModelWeights.save(m.block(), merged, header.toBuilder().clearTraining().build());
      HfExport.Summary s = HfExport.run(merged, dir);
      PeftAdapter.write(model, dir.resolve(ADAPTER_FOLDER));
      return s;
    } finally {
      Files.deleteIfExists(merged);
    }
  }

  /** Rewrites the imported base checkpoint {@code checkpoint} with the PEFT folder's adapters. */
  public static void applyAdapter(Path checkpoint, Path adapterDir) throws IOException {
    CheckpointHeader header;
    try (CheckpointReader r = CheckpointReader.open(checkpoint)) {
      header = r.header();
    }
    try (PolicyModel base = PolicyModel.load(checkpoint); PolicyModel adapted = PeftAdapter.apply(base, adapterDir)) {
      ModelWeights.save(adapted.block(), checkpoint, header);
    }
  }
}
