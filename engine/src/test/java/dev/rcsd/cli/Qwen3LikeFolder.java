package dev.rcsd.cli;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.ModelWeights;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.model.Tensors;
import dev.rcsd.io.hf.HfExport;
import dev.rcsd.io.hf.HfFolder;
import dev.rcsd.io.proto.CheckpointHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face folder that looks like Qwen3 at a tiny size: Qwen3's architecture flags (q/k norms,
 * no attention bias), random weights, a byte-level BPE tokenizer.json with Qwen3's special tokens,
 * Qwen3's chat template in tokenizer_config.json and its generation_config (two stop ids). Its
 * head is set so that every sampled token is one of the two stop ids (+/- a large vector on their
 * rows, zeros elsewhere): completions end at once, whatever the prompt.
 */
final class Qwen3LikeFolder {
  // added tokens follow the BPE vocabulary (256 bytes, 2 merges), as Qwen3's follow its 151,643
  static final int ENDOFTEXT = 258;
  static final int IM_START = 259;
  static final int IM_END = 260;
  static final int THINK = 261;
  static final int THINK_END = 262;
  static final int VOCAB = 272;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Qwen3LikeFolder() {}

  static Path write(Path dir) throws IOException {
    ModelConfig config = new ModelConfig("qwen3", VOCAB, 32, 64, 2, 4, 2, 8, 1_000_000.0, 1e-6, false, false, true,
        1024, ENDOFTEXT, IM_END);
    Path ckpt = dir.resolveSibling(dir.getFileName() + ".ckpt");
    try (PolicyModel m = PolicyModel.random(config, 5)) {
      NDArray head = m.block().namedParameters().get("lm_head.weight").getArray();
      float[] w = new float[VOCAB * 32];
      for (int i = 0; i < 32; i++) {
        w[IM_END * 32 + i] = 100f;
        w[ENDOFTEXT * 32 + i] = -100f;
      }
      Tensors.assign(head, w);
      CheckpointHeader.Builder h = CheckpointHeader.newBuilder().setProducer("test")
          .putMetadata(HfFolder.FILE_PREFIX + "tokenizer.json", tokenizerJson())
          .putMetadata(HfFolder.FILE_PREFIX + "tokenizer_config.json", tokenizerConfig())
          .putMetadata(HfFolder.FILE_PREFIX + "generation_config.json",
              "{\"bos_token_id\": " + ENDOFTEXT + ", \"eos_token_id\": [" + IM_END + ", " + ENDOFTEXT
                  + "], \"pad_token_id\": " + ENDOFTEXT + "}");
      ModelWeights.save(m.block(), ckpt, h.build());
    }
    HfExport.run(ckpt, dir);
    Files.delete(ckpt);
    return dir;
  }

  static String qwen3Template() throws IOException {
    try (InputStream in = Qwen3LikeFolder.class.getResourceAsStream("/chat/qwen3.jinja")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String tokenizerConfig() throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("chat_template", qwen3Template());
    c.put("eos_token", "<|im_end|>");
    c.put("pad_token", "<|endoftext|>");
    c.putNull("bos_token");
    c.put("model_max_length", 1024);
    return JSON.writeValueAsString(c);
  }

  /** GPT-2's byte-to-character table of byte-level BPE. */
  static List<Integer> byteChars() {
    List<Integer> bs = new ArrayList<>();
    for (int b = '!'; b <= '~'; b++) {
      bs.add(b);
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      bs.add(b);
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      bs.add(b);
    }
    int[] chars = new int[256];
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      chars[b] = bs.contains(b) ? b : 256 + extra++;
    }
    List<Integer> out = new ArrayList<>();
    for (int c : chars) {
      out.add(c);
    }
    return out;
  }

  static String tokenizerJson() throws IOException {
    ObjectNode t = JSON.createObjectNode();
    t.put("version", "1.0");
    t.putNull("truncation");
    t.putNull("padding");
    ArrayNode added = t.putArray("added_tokens");
    String[] specials = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"};
    for (int i = 0; i < specials.length; i++) {
      added.addObject().put("id", ENDOFTEXT + i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
          .put("rstrip", false).put("normalized", false).put("special", i < 3);
    }
    t.putObject("normalizer").put("type", "NFC");
    for (String part : new String[] {"pre_tokenizer", "post_processor", "decoder"}) {
      t.putObject(part).put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
          .put("use_regex", true);
    }
    ObjectNode model = t.putObject("model");
    model.put("type", "BPE").putNull("dropout").putNull("unk_token").put("continuing_subword_prefix", "")
        .put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    List<Integer> chars = byteChars();
    for (int b = 0; b < 256; b++) {
      vocab.put(new String(Character.toChars(chars.get(b))), b);
    }
    String space = new String(Character.toChars(chars.get(' ')));
    vocab.put(space + "t", 256);
    vocab.put("he", 257);
    ArrayNode merges = model.putArray("merges");
    merges.addArray().add(space).add("t");
    merges.addArray().add("h").add("e");
    return JSON.writeValueAsString(t);
  }
}
