package dev.rcsd.engine.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcsd.io.FormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rubric datasets in the common published forms: JSON Lines ({@code .jsonl}) or Parquet
 * ({@code .parquet}, as Hugging Face {@code datasets} and pandas write it), one problem per record,
 * as RubricHub, RaR and verl's RL layout have them:
 *
 * <pre>
 *   {"prompt" | "question", "reference_answer" | "answer", "reference_solution"?, "id"?,
 *    "rubric": [{"description" | "criterion", "weight" | "points" | "importance", "title"?}, ...]}
 *   {"data_source", "ability", "prompt": [{"role": "system" | "user", "content"}, ...],
 *    "reward_model": {"style", "ground_truth"}, "extra_info": {"index", "question", "answer", ...},
 *    "Rubrics": [{"title", "description", "weight"}, ...]}                                  (verl)
 * </pre>
 *
 * A prompt that is a list of chat messages is rendered with the model's chat template turn by
 * turn; its last user turn is the question. Other field names, nested ones as dotted names,
 * through {@link DataFields}. A criterion's weight is its number (negative: a
 * pitfall, -1) or, without one, its label: {@code Essential} 8, {@code Important} 5,
 * {@code Optional} 2, {@code Pitfall} -1 (also read from a RaR title such as "Essential
 * Criteria: ..."). The rubric may be a string holding a JSON array (common in Parquet files).
 * Everything is checked before anything is returned; an error names the file, the line (row) and
 * the field.
 */
public final class RubricDataset {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Labels and the weights they stand for. */
  static final List<String> LABELS = List.of("essential", "important", "optional", "pitfall");
  static final int[] LABEL_WEIGHTS = {8, 5, 2, -1};

  private RubricDataset() {}

  /** Whether a path names a dataset file this reader takes (rather than a folder of our JSONL). */
  public static boolean isDatasetFile(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p) && (name.endsWith(".jsonl") || name.endsWith(".parquet"));
  }

  public static List<Problem> read(Path file, DataFields fields) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    List<Problem> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    if (name.endsWith(".parquet")) {
      List<JsonNode> rows = ParquetRows.read(file);
      for (int n = 0; n < rows.size(); n++) {
        add(out, ids, file, "row " + (n + 1), stem + "-" + (n + 1), rows.get(n), fields);
      }
    } else if (name.endsWith(".jsonl")) {
      int n = 1;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        for (; (line = in.readLine()) != null; n++) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode record;
          try {
            record = JSON.readTree(line);
          } catch (JsonProcessingException e) {
            throw new FormatException(file, "line " + n + ": not JSON: " + e.getOriginalMessage());
          }
          add(out, ids, file, "line " + n, stem + "-" + n, record, fields);
        }
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new FormatException(file, "line " + n + ": not UTF-8 text");
      }
    } else {
      throw new FormatException(file, "not a rubric dataset: expected a .jsonl or .parquet file");
    }
    if (out.isEmpty()) {
      throw new FormatException(file, "holds no problems");
    }
    return out;
  }

  private static void add(List<Problem> out, Set<String> ids, Path file, String where, String defaultId,
      JsonNode record, DataFields f) throws FormatException {
    if (record == null || !record.isObject()) {
      throw new FormatException(file, where + ": not an object");
    }
    try {
      Problem p = problem(record, f, defaultId);
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("id: '" + p.id() + "' appears twice");
      }
      out.add(p);
    } catch (IllegalArgumentException e) {
      throw new FormatException(file, where + ": " + e.getMessage());
    }
  }

  static Problem problem(JsonNode r, DataFields f, String defaultId) {
    JsonNode idNode = first(r, f.id());
    String id = idNode == null || idNode.isNull() ? defaultId : idNode.asText();
    List<ChatTemplate.Message> messages = messages(r, f.question());
    String question = messages.isEmpty() ? text(r, f.question(), true) : messages.get(messages.size() - 1).content();
    String answer = text(r, f.referenceAnswer(), true);
    String solution = text(r, f.referenceSolution(), false);
    JsonNode rubric = first(r, f.rubric());
    String rubricName = name(r, f.rubric());
    if (rubric != null && rubric.isTextual()) {
      try {
        rubric = JSON.readTree(rubric.asText());
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(rubricName + ": a string that is not a JSON array: "
            + e.getOriginalMessage());
      }
    }
    if (rubric == null || !rubric.isArray() || rubric.isEmpty()) {
      throw new IllegalArgumentException((rubricName == null ? f.rubric().get(0) : rubricName)
          + ": missing, empty or not an array of criteria");
    }
    List<Criterion> criteria = new ArrayList<>();
    for (int i = 0; i < rubric.size(); i++) {
      criteria.add(criterion(rubric.get(i), f, rubricName + "[" + i + "]"));
    }
    try {
      return new Problem(id, question, answer, solution == null ? answer : solution, Rubric.imported(criteria), "",
          0, "", messages);
    } catch (Rubric.RubricException e) {
      throw new IllegalArgumentException(rubricName + ": " + e.getMessage());
    }
  }

  /**
   * A chat-message prompt (verl's {@code prompt}: a list of {@code {"role", "content"}}) up to its
   * last user turn, or an empty list where the question field holds text.
   */
  private static List<ChatTemplate.Message> messages(JsonNode r, List<String> names) {
    JsonNode v = first(r, names);
    if (v == null || !v.isArray()) {
      return List.of();
    }
    String field = name(r, names);
    List<ChatTemplate.Message> out = new ArrayList<>();
    int lastUser = -1;
    for (int i = 0; i < v.size(); i++) {
      JsonNode m = v.get(i);
      String where = field + "[" + i + "]";
      if (!m.isObject()) {
        throw new IllegalArgumentException(where + ": not a chat message (an object with role and content)");
      }
      if (!m.path("role").isTextual() || m.get("role").asText().isBlank()) {
        throw new IllegalArgumentException(where + ".role: missing or not a string");
      }
      if (!m.path("content").isTextual()) {
        throw new IllegalArgumentException(where + ".content: " + (m.hasNonNull("content") ? "not a string" : "missing"));
      }
      String role = m.get("role").asText();
      lastUser = role.equals("user") ? i : lastUser;
      out.add(new ChatTemplate.Message(role, m.get("content").asText()));
    }
    if (lastUser < 0) {
      throw new IllegalArgumentException(field + ": no user turn among " + v.size() + " messages");
    }
    if (lastUser != out.size() - 1) {
      throw new IllegalArgumentException(field + "[" + (lastUser + 1) + "]: a '" + out.get(lastUser + 1).role()
          + "' turn after the last user turn; a prompt ends with the user's question");
    }
    if (out.get(lastUser).content().isBlank()) {
      throw new IllegalArgumentException(field + "[" + lastUser + "].content: empty");
    }
    return out;
  }

  private static Criterion criterion(JsonNode c, DataFields f, String where) {
    if (c == null || !c.isObject()) {
      throw new IllegalArgumentException(where + ": not an object");
    }
    String description = text(c, f.description(), false);
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException(where + "." + f.description().get(0) + ": missing or empty");
    }
    String title = text(c, f.title(), false);
    String label = text(c, f.importance(), false);
    JsonNode w = first(c, f.weight());
    int weight;
    if (w != null && !w.isNull()) {
      if (!w.isNumber()) {
        throw new IllegalArgumentException(where + "." + name(c, f.weight()) + ": '" + w.asText() + "' is not a number");
      }
      double x = w.asDouble();
      if (x == 0 || Math.abs(x) > 10 || !Double.isFinite(x)) {
        throw new IllegalArgumentException(where + "." + name(c, f.weight()) + ": " + x
            + " is not a pitfall (< 0) or a weight in (0, 10]");
      }
      weight = x < 0 ? -1 : (int) Math.max(1, Math.round(x));
    } else {
      String from = label != null ? label : title;
      int k = from == null ? -1 : labelIndex(from);
      if (k < 0) {
        throw new IllegalArgumentException(where + ": no " + f.weight().get(0) + " and no " + f.importance().get(0)
            + " label (Essential, Important, Optional or Pitfall)" + (label == null ? "" : ": '" + label + "'"));
      }
      weight = LABEL_WEIGHTS[k];
      label = label == null ? LABELS.get(k) : label;
    }
    if (title == null || title.isBlank()) {
      title = label != null ? label : firstWords(description, 6);
    }
    return new Criterion(title.strip(), description.strip(), weight, null);
  }

  /** The label a text starts with (case-insensitive), e.g. "Essential Criteria: ...", or -1. */
  static int labelIndex(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    for (int i = 0; i < LABELS.size(); i++) {
      if (t.startsWith(LABELS.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static String firstWords(String text, int n) {
    String[] words = text.strip().split("\\s+");
    return String.join(" ", java.util.Arrays.copyOf(words, Math.min(n, words.length)));
  }

  private static JsonNode first(JsonNode r, List<String> names) {
    for (String n : names) {
      JsonNode v = at(r, n);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String name(JsonNode r, List<String> names) {
    for (String n : names) {
      if (at(r, n) != null) {
        return n;
      }
    }
    return names.get(0);
  }

  /** The field {@code name} of {@code r}, a dotted name such as {@code reward_model.ground_truth} walking nested objects. */
  private static JsonNode at(JsonNode r, String name) {
    if (r.has(name)) {
      return r.get(name);
    }
    JsonNode v = r;
    for (String part : name.split("\\.", -1)) {
      if (v == null || !v.isObject() || !v.has(part)) {
        return null;
      }
      v = v.get(part);
    }
    return v == r ? null : v;
  }

  private static String text(JsonNode r, List<String> names, boolean required) {
    JsonNode v = first(r, names);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(String.join(" | ", names) + ": missing");
      }
      return null;
    }
    if (!v.isTextual() && !v.isNumber()) {
      throw new IllegalArgumentException(name(r, names) + ": not a string");
    }
    if (required && v.asText().isBlank()) {
      throw new IllegalArgumentException(name(r, names) + ": empty");
    }
    return v.asText();
  }
}
