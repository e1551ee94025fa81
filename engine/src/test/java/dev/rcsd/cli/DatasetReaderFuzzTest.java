package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.engine.model.Lora;
import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PeftAdapter;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.DataFields;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.RubricDataset;
import dev.rcsd.engine.task.RubricDatasetTest;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer for the readers of what users bring: rubric datasets (JSON Lines and
 * Parquet) and a model folder's tokenizer_config.json, generation_config.json and a PEFT
 * adapter_config.json, as model-io's ReaderFuzzTest does for the project's own formats. JSON files
 * get structural mutations (a field removed, a value of another type or an absurd one, an element
 * duplicated) and byte ones; Parquet files byte mutations. A reader may only succeed or throw a
 * {@link FormatException} naming the file: never another exception. A failure names its seed and
 * round, which reproduce it.
 */
class DatasetReaderFuzzTest {
  private static final int ROUNDS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  @TempDir Path dir;

  interface Reader {
    void read(Path file) throws IOException;
  }

  /** A value of any JSON type, the absurd ones included. */
  private static JsonNode oddValue(SplittableRandom rnd) {
    return switch (rnd.nextInt(12)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.textNode("");
      case 2 -> NODES.textNode("{{ x }}{% raw %}\u0000\uD83D\uDE00");
      case 3 -> NODES.numberNode(0);
      case 4 -> NODES.numberNode(-1);
      case 5 -> NODES.numberNode(1e308);
      case 6 -> NODES.numberNode(Long.MAX_VALUE);
      case 7 -> NODES.numberNode(2.5);
      case 8 -> NODES.booleanNode(rnd.nextBoolean());
      case 9 -> NODES.arrayNode();
      case 10 -> NODES.objectNode();
      default -> NODES.arrayNode().add(1).add("x").addNull();
    };
  }

  /** Every container of the tree, the root included. */
  private static List<JsonNode> containers(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(c -> containers(c, out));
    }
    return out;
  }

  /** One structural change somewhere in a copy of {@code good}. */
  static JsonNode mutateTree(JsonNode good, SplittableRandom rnd) {
    JsonNode tree = good.deepCopy();
    List<JsonNode> all = containers(tree, new ArrayList<>());
    JsonNode at = all.get(rnd.nextInt(all.size()));
    if (at.isEmpty()) {
      if (at.isObject()) {
        ((ObjectNode) at).set("x", oddValue(rnd));
      } else {
        ((ArrayNode) at).add(oddValue(rnd));
      }
      return tree;
    }
    if (at.isObject()) {
      ObjectNode o = (ObjectNode) at;
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.get(rnd.nextInt(names.size()));
      switch (rnd.nextInt(3)) {
        case 0 -> o.remove(name);
        case 1 -> o.set(name, oddValue(rnd));
        default -> o.set(name, NODES.arrayNode().add(o.get(name))); // wrapped in a list
      }
    } else {
      ArrayNode a = (ArrayNode) at;
      int i = rnd.nextInt(a.size());
      switch (rnd.nextInt(3)) {
        case 0 -> a.remove(i);
        case 1 -> a.set(i, oddValue(rnd));
        default -> a.add(a.get(i).deepCopy());
      }
    }
    return tree;
  }

  /**
   * Flipped bits, overwritten bytes, 0xff runs, truncation, inserted random bytes: model-io's
   * ReaderFuzzTest mutations, written again because the engine's tests cannot use model-io's test
   * classes (a test-scoped test jar would have to exist before `./rcsd`'s first build).
   */
  static byte[] mutateBytes(byte[] good, SplittableRandom rnd) {
    byte[] b = good.clone();
    switch (rnd.nextInt(5)) {
      case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      case 2 -> {
        int at = rnd.nextInt(b.length);
        Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(8)), (byte) 0xff);
      }
      case 3 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
      default -> {
        int at = rnd.nextInt(b.length + 1);
        byte[] extra = new byte[1 + rnd.nextInt(16)];
        rnd.nextBytes(extra);
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        b = out;
      }
    }
    return b;
  }

  /** JSON Lines: each round mutates one record's tree, or the file's bytes. */
  static byte[] mutateJsonl(List<JsonNode> records, SplittableRandom rnd) throws IOException {
    List<String> lines = new ArrayList<>();
    int which = rnd.nextInt(records.size());
    for (int i = 0; i < records.size(); i++) {
      lines.add(JSON.writeValueAsString(i == which ? mutateTree(records.get(i), rnd) : records.get(i)));
    }
    byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return rnd.nextInt(4) == 0 ? mutateBytes(text, rnd) : text;
  }

  /**
   * Runs {@code reader} on {@code ROUNDS} mutants written to {@code file}; {@code named} is the
   * path a refusal must name.
   */
  private void fuzz(String name, Path file, Path named, Reader reader, long seed, MutantSource mutants)
      throws IOException {
    reader.read(file);
    SplittableRandom rnd = new SplittableRandom(seed);
    int refused = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Files.write(file, mutants.next(rnd));
      try {
        reader.read(file);
      } catch (FormatException e) {
        refused++;
        assertTrue(e.getMessage().startsWith(named.toString()), name + " seed " + seed + " round " + round + ": "
            + e.getMessage());
      } catch (IOException | RuntimeException e) {
        throw new AssertionError(name + " seed " + seed + " round " + round + ": " + e.getClass().getName()
            + " instead of a format error naming " + named, e);
      }
    }
    assertTrue(refused > 0, name + ": no mutant was refused");
  }

  interface MutantSource {
    byte[] next(SplittableRandom rnd) throws IOException;
  }

  @Test
  void jsonlDatasets() throws IOException {
    Path f = dir.resolve("data.jsonl");
    List<JsonNode> records = List.of(
        JSON.readTree("{\"id\": \"a\", \"prompt\": \"2 + 2?\", \"answer\": \"4\", \"rubric\": [{\"criterion\":"
            + " \"Says 4.\", \"points\": 3}, {\"criterion\": \"Says 5.\", \"importance\": \"Pitfall\"}]}"),
        JSON.readTree("{\"question\": \"Unit of power?\", \"reference_answer\": \"watt\", \"rubric\": \"[{\\\"title\\\":"
            + " \\\"Essential Criteria: watt\\\", \\\"description\\\": \\\"Says watt.\\\"}]\"}"),
        JSON.readTree("{\"data_source\": \"x\", \"prompt\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
            + " {\"role\": \"user\", \"content\": \"3 + 3?\"}], \"reward_model\": {\"style\": \"rubric\","
            + " \"ground_truth\": \"6\"}, \"extra_info\": {\"index\": 7, \"solution\": \"3 + 3 = 6\"},"
            + " \"Rubrics\": [{\"title\": \"Sum\", \"description\": \"Says 6.\", \"weight\": 2}]}"));
    Files.writeString(f, records.stream().map(JsonNode::toString).reduce((x, y) -> x + "\n" + y).orElseThrow());
    fuzz("jsonl", f, f, p -> RubricDataset.read(p, DataFields.DEFAULTS), 11, rnd -> mutateJsonl(records, rnd));
  }

  @Test
  void parquetDatasets() throws IOException {
    for (boolean verl : new boolean[] {true, false}) {
      Path f = verl ? RubricDatasetTest.writeVerlParquet(dir.resolve("verl.parquet"), 3)
          : RubricDatasetTest.writeRarParquet(dir.resolve("rar.parquet"), 3);
      byte[] good = Files.readAllBytes(f);
      fuzz(f.getFileName().toString(), f, f, p -> RubricDataset.read(p, DataFields.DEFAULTS), verl ? 12 : 13,
          rnd -> mutateBytes(good, rnd));
    }
  }

  @Test
  void tokenizerAndGenerationConfigs() throws IOException {
    Path model = Qwen3LikeFolder.write(dir.resolve("qwen3-like"));
    Reader load = p -> {
      try (TaskTokenizer t = ModelTokenizer.of(model)) {
        t.prompt("What is 2 + 2?");
      }
    };
    long seed = 14;
    for (String name : List.of("tokenizer_config.json", "generation_config.json")) {
      Path f = model.resolve(name);
      JsonNode good = JSON.readTree(f.toFile());
      byte[] goodBytes = Files.readAllBytes(f);
      fuzz(name, f, model, load, seed++, rnd -> rnd.nextInt(4) == 0 ? mutateBytes(goodBytes, rnd)
          : JSON.writeValueAsBytes(mutateTree(good, rnd)));
      Files.write(f, goodBytes);
    }
  }

  @Test
  void peftAdapterConfigs() throws IOException {
    ModelConfig c = new ModelConfig("qwen3", 23, 16, 32, 1, 2, 1, 8, 10000.0, 1e-6, true, false, true, 64, 1, 2);
    Path adapter = dir.resolve("adapter");
    try (PolicyModel base = PolicyModel.random(c, 3);
        PolicyModel adapted = base.withAdapters(new Lora(4, 8, List.of("q_proj", "v_proj")), 5)) {
      PeftAdapter.write(adapted, adapter);
      Path f = adapter.resolve(PeftAdapter.CONFIG);
      JsonNode good = JSON.readTree(f.toFile());
      byte[] goodBytes = Files.readAllBytes(f);
      fuzz("adapter_config.json", f, adapter, p -> PeftAdapter.apply(base, adapter).close(), 15,
          rnd -> rnd.nextInt(4) == 0 ? mutateBytes(goodBytes, rnd) : JSON.writeValueAsBytes(mutateTree(good, rnd)));
    }
  }
}
