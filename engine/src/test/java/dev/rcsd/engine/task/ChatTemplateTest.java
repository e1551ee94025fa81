package dev.rcsd.engine.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chat templates render exactly what transformers renders: expected strings produced once with
 * Python's jinja2 in transformers' environment (chat/make_expected.py) for Qwen3's, Llama-3's and
 * Qwen2's templates.
 */
class ChatTemplateTest {
  static String resource(String name) throws IOException {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/chat/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void rendersWhatTransformersRenders() throws IOException {
    JsonNode cases = new ObjectMapper().readTree(resource("expected.json"));
    assertEquals(18, cases.size());
    for (JsonNode c : cases) {
      String name = c.get("template").asText();
      ChatTemplate t = new ChatTemplate(resource(name + ".jinja"), c.path("bos_token").textValue(),
          c.path("eos_token").textValue());
      List<ChatTemplate.Message> messages = new ArrayList<>();
      for (JsonNode m : c.get("messages")) {
        messages.add(new ChatTemplate.Message(m.get("role").asText(), m.get("content").asText()));
      }
      Map<String, Object> vars = new HashMap<>();
      if (c.has("enable_thinking")) {
        vars.put("enable_thinking", c.get("enable_thinking").asBoolean());
      }
      assertEquals(c.get("expected").asText(), t.render(messages, c.get("add_generation_prompt").asBoolean(), vars),
          name + " case " + c.get("case").asInt());
    }
  }

  @Test
  void pythonStringMethodsAndErrors() {
    assertEquals(List.of("a", "", "b"), PyStringResolver.split("a--b".replace("--", ",,"), ","));
    assertEquals(List.of("x", "y"), PyStringResolver.split("  x \n y ", null));
    assertEquals("ab", PyStringResolver.rstrip("ab\n\n", "\n"));
    ChatTemplate refusing = new ChatTemplate(
        "{% if messages[0].role != 'user' %}{{ raise_exception('first turn must be the user') }}{% endif %}ok", null, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> refusing.render(List.of(new ChatTemplate.Message("assistant", "x")), false, Map.of()));
    assertTrue(e.getMessage().contains("first turn must be the user"), e.getMessage());
    assertEquals("ok", refusing.render(List.of(new ChatTemplate.Message("user", "x")), false, Map.of()));
  }
}
