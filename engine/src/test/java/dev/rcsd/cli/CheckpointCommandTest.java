package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.io.checkpoint.CheckpointWriter;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.hf.HfExport;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCommandTest {
  @TempDir Path dir;

  /** A Hugging Face folder with a BF16 and an F32 tensor. */
  private Path hfFolder() throws IOException {
    Path seed = dir.resolve("seed.ckpt");
    try (CheckpointWriter w = CheckpointWriter.create(seed, CheckpointHeader.newBuilder()
        .setConfigJson("{\"model_type\": \"llama\", \"num_hidden_layers\": 2}").build())) {
      byte[] a = new byte[24];
      byte[] b = new byte[8];
      new java.util.Random(1).nextBytes(a);
      new java.util.Random(2).nextBytes(b);
      w.writeTensor(TensorInfo.parameter("model.embed_tokens.weight", DType.BF16, 3, 4), ByteBuffer.wrap(a));
      w.writeTensor(TensorInfo.parameter("model.norm.weight", DType.F32, 2), ByteBuffer.wrap(b));
      w.commit();
    }
    Path hf = dir.resolve("hf");
    HfExport.run(seed, hf);
    return hf;
  }

  @Test
  void importVerifyInspectExport() throws IOException {
    Path hf = hfFolder();
    Path ckpt = dir.resolve("m.ckpt");
    CliRun imported = CliRun.of("checkpoint", "import", "--from", hf.toString(), "--to", ckpt.toString(),
        "--chunk-bytes", "5");
    assertEquals(0, imported.code(), imported.err());
    CliRun verified = CliRun.of("checkpoint", "verify", ckpt.toString());
    assertEquals(0, verified.code(), verified.err());
    assertTrue(verified.out().contains("ok (2 tensors"), verified.out());
    CliRun inspected = CliRun.of("checkpoint", "inspect", ckpt.toString());
    assertEquals(0, inspected.code(), inspected.err());
    assertTrue(inspected.out().contains("llama, 2 layers") && inspected.out().contains("model.norm.weight"),
        inspected.out());
    Path out = dir.resolve("out");
    assertEquals(0, CliRun.of("checkpoint", "export", "--from", ckpt.toString(), "--to", out.toString()).code());
    assertArrayEquals(Files.readAllBytes(hf.resolve("model.safetensors")), Files.readAllBytes(out.resolve("model.safetensors")));
    assertArrayEquals(Files.readAllBytes(hf.resolve("config.json")), Files.readAllBytes(out.resolve("config.json")));
  }

  @Test
  void verifyFailsOnACorruptFileNamingIt() throws IOException {
    Path ckpt = dir.resolve("m.ckpt");
    CliRun.of("checkpoint", "import", "--from", hfFolder().toString(), "--to", ckpt.toString());
    byte[] bytes = Files.readAllBytes(ckpt);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(ckpt, bytes);
    CliRun run = CliRun.of("checkpoint", "verify", ckpt.toString());
    assertEquals(1, run.code());
    assertTrue(run.err().contains(ckpt.toString()), run.err());
    assertEquals(1, CliRun.of("checkpoint", "verify", dir.resolve("missing.ckpt").toString()).code());
  }

  @Test
  void aBadFolderLeavesNoCheckpoint() throws IOException {
    Path hf = hfFolder();
    byte[] st = Files.readAllBytes(hf.resolve("model.safetensors"));
    Files.write(hf.resolve("model.safetensors"), java.util.Arrays.copyOf(st, st.length - 3));
    Path ckpt = dir.resolve("m.ckpt");
    CliRun run = CliRun.of("checkpoint", "import", "--from", hf.toString(), "--to", ckpt.toString());
    assertEquals(1, run.code());
    assertTrue(run.err().contains("model.safetensors"), run.err());
    assertTrue(Files.notExists(ckpt));
  }
}
