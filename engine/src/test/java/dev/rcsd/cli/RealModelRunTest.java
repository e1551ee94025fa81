package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.task.ChatTemplate;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.task.RubricDatasetTest;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.rollout.RolloutReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face folder that looks like Qwen3 and a RubricHub-style Parquet file, end to end:
 * `train --init DIR --data FILE --method rcsd --steps 2` samples with Qwen3's chat template, stops
 * at <|im_end|> (or the other stop id), scores, updates, and its checkpoint exports.
 */
class RealModelRunTest {
  @TempDir Path tmp;

  @Test
  void theTokenizerFollowsTheModelsFiles() throws Exception {
    Path dir = Qwen3LikeFolder.write(tmp.resolve("qwen3-like"));
    try (TaskTokenizer tok = ModelTokenizer.of(dir)) {
      assertEquals(Set.of(Qwen3LikeFolder.IM_END, Qwen3LikeFolder.ENDOFTEXT), tok.stops());
      assertEquals(Qwen3LikeFolder.IM_END, tok.eos(), "the first stop id ends training targets");
      assertEquals(Qwen3LikeFolder.ENDOFTEXT, tok.pad());
      String text = "Héllo — ünïcode: a = \\boxed{3 m/s^2} <think>x</think>";
      assertEquals(text, tok.decode(tok.encode(text)), "byte-level BPE decodes to the exact text");
      assertTrue(tok.encode("<|im_end|>").length == 1, "special tokens stay whole");
      int[] prompt = tok.prompt("What is 2 + 2?");
      String rendered = new ChatTemplate(Qwen3LikeFolder.qwen3Template(), null, "<|im_end|>")
          .render(List.of(new ChatTemplate.Message("user", "What is 2 + 2?")), true, Map.of());
      assertArrayEquals(tok.encode(rendered), prompt);
      assertEquals(Qwen3LikeFolder.IM_START, prompt[0]);
      int[] noThinking = tok.withTemplateVariables(Map.of("enable_thinking", false)).prompt("What is 2 + 2?");
      assertEquals(prompt.length + tok.encode("<think>\n\n</think>\n\n").length, noThinking.length);
    }
    try (TaskTokenizer builtIn = TaskTokenizer.builtIn()) { // the built-in model's own template: its old ids
      int[] text = builtIn.encode("force");
      assertArrayEquals(new int[] {builtIn.bos(), text[0]}, builtIn.prompt("force"));
      int[] reply = {7, 8};
      int[] next = builtIn.encode("answer");
      assertArrayEquals(new int[] {builtIn.bos(), text[0], 7, 8, next[0]}, builtIn.prompt("force", reply, "answer"));
    }
  }

  @Test
  void rcsdTrainsOnAQwen3LikeFolderAndAParquetDatasetAndExports() throws Exception {
    Path model = Qwen3LikeFolder.write(tmp.resolve("qwen3-like"));
    Path data = RubricDatasetTest.writeParquet(tmp.resolve("science.parquet"), 12);
    Path cfg = tmp.resolve("small.json");
    Files.writeString(cfg, "{\"prompts_per_step\": 2, \"sampling\": {\"max_new_tokens\": 8},"
        + " \"reason_first\": {\"max_tokens\": 4}, \"test_problems\": 2, \"eval_problems\": 2, \"eval_every\": 0,"
        + " \"checkpoint_every\": 1}");
    Path run = tmp.resolve("run");
    CliRun r = CliRun.of("train", "--init", model.toString(), "--data", data.toString(), "--method", "rcsd",
        "--steps", "2", "--lora", "r=4,alpha=8,targets=q_proj,v_proj", "--device", "cpu", "--config", cfg.toString(), "--out",
        run.toString());
    assertEquals(0, r.code(), r.err());
    RunDir dir = new RunDir(run);
    RolloutReader.Batch scored = RolloutReader.readAll(dir.rollouts(2, "score"));
    assertEquals(List.of(Qwen3LikeFolder.THINK, Qwen3LikeFolder.THINK_END), scored.header().getThinkTokenIdsList(),
        "the batch names the thinking tokens for mask_thinking_tokens");
    try (TaskTokenizer tok = ModelTokenizer.of(model)) {
      for (Rollout x : scored.rollouts()) {
        int[] prompt = x.getPromptTokensList().stream().mapToInt(Integer::intValue).toArray();
        assertEquals(Qwen3LikeFolder.IM_START, prompt[0], "the prompt is the chat template's");
        assertTrue(x.getFinished(), "the completion ended at a stop id");
        int last = x.getCompletionTokens(x.getCompletionTokensCount() - 1);
        assertTrue(last == Qwen3LikeFolder.IM_END || last == Qwen3LikeFolder.ENDOFTEXT, "stopped at " + last);
        assertEquals(1, x.getTeachersCount());
        assertTrue(x.getTeachers(0).getAnalysisTokensCount() >= 1, "the reason-first teacher sampled its analysis");
      }
    }
    assertTrue(Files.isRegularFile(dir.checkpoint(2)));
    Path exported = tmp.resolve("exported");
    CliRun e = CliRun.of("checkpoint", "export", "--from", dir.checkpoint(2).toString(), "--to", exported.toString());
    assertEquals(0, e.code(), e.err());
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
        "generation_config.json")) {
      assertTrue(Files.isRegularFile(exported.resolve(f)), f);
    }
    assertTrue(Files.readString(exported.resolve("tokenizer_config.json")).contains("enable_thinking"),
        "the chat template travels with the model");
    assertTrue(Files.isRegularFile(exported.resolve("adapter").resolve("adapter_config.json")),
        "LoRA: the PEFT adapter beside the merged model");
  }

  /**
   * verl-style and RaR-style Parquet files train end to end; the student's prompts are the file's
   * chat messages (system turn included) rendered by the model's chat template, byte for byte.
   */
  @Test
  void verlAndRarStyleDatasetsTrainWithTheirMessagesRenderedByTheModelsTemplate() throws Exception {
    Path model = Qwen3LikeFolder.write(tmp.resolve("qwen3-like"));
    Path cfg = tmp.resolve("small.json");
    Files.writeString(cfg, "{\"prompts_per_step\": 2, \"sampling\": {\"max_new_tokens\": 8}, \"test_problems\": 2,"
        + " \"eval_problems\": 2, \"eval_every\": 0, \"chat_template_variables\": {\"enable_thinking\": false}}");
    ChatTemplate template = new ChatTemplate(Qwen3LikeFolder.qwen3Template(), null, "<|im_end|>");
    for (String layout : List.of("verl", "rar")) {
      Path data = layout.equals("verl") ? RubricDatasetTest.writeVerlParquet(tmp.resolve("verl.parquet"), 8)
          : RubricDatasetTest.writeRarParquet(tmp.resolve("rar.parquet"), 8);
      Path run = tmp.resolve("run-" + layout);
      CliRun r = CliRun.of("train", "--init", model.toString(), "--data", data.toString(), "--method", "rcsd-criteria",
          "--steps", "1", "--device", "cpu", "--config", cfg.toString(), "--out", run.toString());
      assertEquals(0, r.code(), r.err());
      Map<String, dev.rcsd.engine.task.Problem> problems = new java.util.HashMap<>();
      dev.rcsd.engine.task.RubricDataset.read(data, dev.rcsd.engine.task.DataFields.DEFAULTS)
          .forEach(p -> problems.put(p.id(), p));
      try (TaskTokenizer tok = ModelTokenizer.of(model)) {
        for (Rollout x : RolloutReader.readAll(new RunDir(run).rollouts(1, "score")).rollouts()) {
          dev.rcsd.engine.task.Problem p = problems.get(x.getPromptId());
          List<ChatTemplate.Message> turns = layout.equals("verl") ? p.messages()
              : List.of(new ChatTemplate.Message("user", "Question: " + p.question() + " Solution:"));
          String rendered = template.render(turns, true, Map.of("enable_thinking", false));
          assertArrayEquals(tok.encode(rendered), x.getPromptTokensList().stream().mapToInt(Integer::intValue).toArray(),
              layout + " " + p.id() + ": " + rendered);
          if (layout.equals("verl")) {
            assertTrue(rendered.startsWith("<|im_start|>system\n" + RubricDatasetTest.SYSTEM + "<|im_end|>"), rendered);
            assertTrue(rendered.contains("\\frac{{F}}{{m}}? {# units #}"), "the question as the file wrote it");
          } else {
            assertTrue(rendered.contains("{% raw %}"), rendered);
          }
        }
      }
    }
  }

  @Test
  void malformedModelFilesAreRefusedByFileAndField() throws Exception {
    Path dir = Qwen3LikeFolder.write(tmp.resolve("qwen3-like"));
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [1,\n");
    var e = assertThrows(dev.rcsd.io.FormatException.class, () -> ModelTokenizer.of(dir));
    assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("generation_config.json: line 2"),
        e.getMessage());
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 260}");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\", \"pad_token\": \"padding\"}");
    e = assertThrows(dev.rcsd.io.FormatException.class, () -> ModelTokenizer.of(dir));
    assertTrue(e.getMessage().contains("pad_token 'padding' is not one token"), e.getMessage());
  }

  @Test
  void devicesAreCpuOrAGpuPyTorchSees() {
    assertEquals(ai.djl.Device.cpu(), DeviceChoice.parse("cpu", 0));
    assertEquals(ai.djl.Device.gpu(1), DeviceChoice.parse("gpu:1", 2));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("gpu", 0));
    assertTrue(none.getMessage().contains("PyTorch sees 0 GPU(s)"), none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("tpu", 1));
  }

  @Test
  void loraFlagsBecomeTheConfigurationsAdapters() {
    assertEquals(Map.of("rank", 16, "alpha", 32.0, "targets", List.of("q_proj", "v_proj")),
        TrainCommand.lora("r=16,alpha=32,targets=q_proj,v_proj"));
    assertThrows(IllegalArgumentException.class, () -> TrainCommand.lora("r=16,beta=2"));
    assertThrows(IllegalArgumentException.class, () -> TrainCommand.lora("r=sixteen"));
  }

  @Test
  void aPromptLongerThanTheModelTakesIsRefusedByName() throws Exception {
    Path model = Qwen3LikeFolder.write(tmp.resolve("qwen3-like"));
    Path data = RubricDatasetTest.writeParquet(tmp.resolve("science.parquet"), 6);
    Path cfg = tmp.resolve("long.json");
    Files.writeString(cfg, "{\"prompts_per_step\": 2, \"sampling\": {\"max_new_tokens\": 1000}, \"test_problems\": 2,"
        + " \"eval_every\": 0}");
    CliRun r = CliRun.of("train", "--init", model.toString(), "--data", data.toString(), "--method", "grpo",
        "--steps", "1", "--config", cfg.toString(), "--out", tmp.resolve("run").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("does not fit the model's max_position_embeddings 1024"), r.err());
  }
}
