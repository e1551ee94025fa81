package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.io.hf.HfExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardCommandTest {
  @TempDir Path dir;

  /** rcsd forward on a checkpoint and on its Hugging Face export gives the model's logits, as .npy. */
  @Test
  void writesTheLogitsOfCheckpointAndFolderAlike() throws IOException {
    ModelConfig c = new ModelConfig("llama", 23, 16, 32, 1, 2, 1, 8, 10000.0, 1e-6, false, false, false, 64, 1, 2);
    Path ckpt = dir.resolve("m.ckpt");
    float[] want;
    try (PolicyModel m = PolicyModel.random(c, 3)) {
      m.save(ckpt, "test");
      want = m.logits(new int[] {1, 7, 22});
    }
    HfExport.run(ckpt, dir.resolve("hf"));
    for (String model : new String[] {ckpt.toString(), dir.resolve("hf").toString()}) {
      Path out = dir.resolve("logits-" + model.hashCode() + ".npy");
      CliRun run = CliRun.of("forward", "--model", model, "--tokens", "1,7,22", "--out", out.toString());
      assertEquals(0, run.code(), run.err());
      try (NDManager nd = NDManager.newBaseManager()) {
        NDArray read = ai.djl.ndarray.NDList.decode(nd, Files.readAllBytes(out)).singletonOrThrow();
        assertEquals(new Shape(3, 23), read.getShape());
        assertArrayEquals(want, read.toFloatArray());
      }
    }
  }

  @Test
  void aTokenOutsideTheVocabularyIsRefused() throws IOException {
    ModelConfig c = new ModelConfig("qwen3", 11, 16, 32, 1, 2, 1, 8, 10000.0, 1e-6, true, false, true, 64, 1, 2);
    Path ckpt = dir.resolve("m.ckpt");
    try (PolicyModel m = PolicyModel.random(c, 3)) {
      m.save(ckpt, "test");
    }
    CliRun run = CliRun.of("forward", "--model", ckpt.toString(), "--tokens", "1,11", "--out", dir.resolve("x.npy").toString());
    assertEquals(1, run.code());
    assertTrue(run.err().contains("token 11"), run.err());
    assertTrue(Files.notExists(dir.resolve("x.npy")));
  }
}
