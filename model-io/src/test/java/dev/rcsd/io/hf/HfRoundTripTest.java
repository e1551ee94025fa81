package dev.rcsd.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.io.FormatException;
import dev.rcsd.io.checkpoint.CheckpointInspector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face folder -> checkpoint -> folder keeps every tensor's bytes (F32, F16, BF16). */
class HfRoundTripTest {
  @TempDir Path dir;

  private static final String CONFIG = "{\n  \"model_type\": \"qwen3\",\n  \"hidden_size\": 4\n}\n";

  /** A single-file folder whose data holds random bits (NaN payloads included). */
  private static byte[] singleFile(Path folder) throws IOException {
    String header = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"embed.weight\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]},"
        + "\"norm.weight\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[48,56]},"
        + "\"proj.weight\":{\"dtype\":\"BF16\",\"shape\":[4,2],\"data_offsets\":[56,72]}}";
    byte[] data = new byte[72];
    new Random(11).nextBytes(data);
    SafetensorsFiles.write(folder.resolve(HfFolder.SINGLE), header, data);
    Files.writeString(folder.resolve(HfFolder.CONFIG), CONFIG);
    return data;
  }

  private static byte[] dataSection(Path safetensors) throws IOException {
    byte[] all = Files.readAllBytes(safetensors);
    long n = java.nio.ByteBuffer.wrap(all, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    return Arrays.copyOfRange(all, (int) (8 + n), all.length);
  }

  @Test
  void singleFileRoundTripIsByteExact() throws IOException {
    Path hf = dir.resolve("hf");
    byte[] data = singleFile(hf);
    Path ckpt = dir.resolve("m.ckpt");
    assertEquals(3, HfImport.run(hf, ckpt, "test", 16).tensors());
    Path out = dir.resolve("out");
    HfExport.run(ckpt, out);
    assertArrayEquals(data, dataSection(out.resolve(HfFolder.SINGLE)));
    assertEquals(CONFIG, Files.readString(out.resolve(HfFolder.CONFIG)));
    SafetensorsFile back = SafetensorsFile.open(out.resolve(HfFolder.SINGLE));
    SafetensorsFile original = SafetensorsFile.open(hf.resolve(HfFolder.SINGLE));
    assertEquals(original.entries(), back.entries());
    assertEquals(original.metadata(), back.metadata());
    assertEquals(0, (Files.size(out.resolve(HfFolder.SINGLE)) - 8 - 72) % 8, "header padded to 8 bytes");
  }

  @Test
  void shardedFolderImportsEveryShard() throws IOException {
    Path hf = dir.resolve("sharded");
    byte[] first = new byte[16];
    byte[] second = new byte[8];
    new Random(3).nextBytes(first);
    new Random(4).nextBytes(second);
    SafetensorsFiles.write(hf.resolve("model-00001-of-00002.safetensors"),
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", first);
    SafetensorsFiles.write(hf.resolve("model-00002-of-00002.safetensors"),
        "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", second);
    Files.writeString(hf.resolve(HfFolder.INDEX), "{\"metadata\":{\"total_size\":24},\"weight_map\":{"
        + "\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
    Files.writeString(hf.resolve(HfFolder.CONFIG), CONFIG);
    Path ckpt = dir.resolve("s.ckpt");
    HfImport.run(hf, ckpt, "test", 0);
    assertEquals(2, CheckpointInspector.verify(ckpt).tensors().size());
    Path out = dir.resolve("out");
    HfExport.run(ckpt, out);
    byte[] both = new byte[24];
    System.arraycopy(first, 0, both, 0, 16);
    System.arraycopy(second, 0, both, 16, 8);
    assertArrayEquals(both, dataSection(out.resolve(HfFolder.SINGLE)));
  }

  @Test
  void anIndexThatDisagreesWithItsShardsIsRefused() throws IOException {
    Path hf = dir.resolve("liar");
    SafetensorsFiles.write(hf.resolve("s1.safetensors"), "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        new byte[4]);
    Files.writeString(hf.resolve(HfFolder.INDEX), "{\"weight_map\":{\"a\":\"s1.safetensors\",\"c\":\"s1.safetensors\"}}");
    Files.writeString(hf.resolve(HfFolder.CONFIG), CONFIG);
    FormatException e = assertThrows(FormatException.class, () -> HfFolder.open(hf));
    assertTrue(e.getMessage().contains("lists 2 tensors"), e.getMessage());
    Files.writeString(hf.resolve(HfFolder.INDEX), "{\"weight_map\":{\"a\":\"../s1.safetensors\"}}");
    assertThrows(FormatException.class, () -> HfFolder.open(hf));
  }

  @Test
  void aFolderWithoutConfigOrWeightsIsRefused() throws IOException {
    Path hf = dir.resolve("empty");
    Files.createDirectories(hf);
    assertTrue(assertThrows(FormatException.class, () -> HfFolder.open(hf)).getMessage().contains("config.json"));
    Files.writeString(hf.resolve(HfFolder.CONFIG), "not json");
    assertThrows(FormatException.class, () -> HfFolder.open(hf));
    Files.writeString(hf.resolve(HfFolder.CONFIG), CONFIG);
    assertTrue(assertThrows(FormatException.class, () -> HfFolder.open(hf)).getMessage().contains("model.safetensors"));
  }

  @Test
  void inspectShowsTheModelAndEveryTensor() throws IOException {
    Path hf = dir.resolve("hf");
    singleFile(hf);
    Path ckpt = dir.resolve("m.ckpt");
    HfImport.run(hf, ckpt, "test", 0);
    String text = CheckpointInspector.describe(ckpt);
    assertTrue(text.contains("qwen3") && text.contains("proj.weight") && text.contains("BF16"), text);
    assertTrue(new String(Files.readAllBytes(ckpt), StandardCharsets.ISO_8859_1).contains("RCSDCKPT"));
  }
}
