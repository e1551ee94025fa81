package dev.rcsd.engine.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.io.AtomicFile;
import dev.rcsd.io.FormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Problem files: JSON Lines, one problem per line:
 *
 * <pre>
 *   {"id", "question", "reference_answer", "reference_solution",
 *    "rubric": [{"title", "description", "weight"}, ...],
 *    "checks": [{"kind", "text", "value", "unit"} or null, ...]       (optional, one per criterion)
 *    "template", "difficulty",                                          (optional)
 *    "mistaken_solution"}                                               (optional, for the warm-up)
 * </pre>
 *
 * Errors name the file, the line and the field.
 */
public final class ProblemSet {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProblemSet() {}

  public static List<Problem> read(Path file) throws IOException {
    List<Problem> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      for (int n = 1; (line = in.readLine()) != null; n++) {
        if (line.isBlank()) {
          continue;
        }
        String where = "line " + n;
        JsonNode p;
        try {
          p = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new FormatException(file, where + ": not JSON: " + e.getOriginalMessage());
        }
        if (p == null || !p.isObject()) {
          throw new FormatException(file, where + ": not a JSON object");
        }
        try {
          Problem problem = problem(p);
          if (!ids.add(problem.id())) {
            throw new IllegalArgumentException("id '" + problem.id() + "' appears twice");
          }
          out.add(problem);
        } catch (IllegalArgumentException e) {
          throw new FormatException(file, where + ": " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static Problem problem(JsonNode p) {
    String id = text(p, "id");
    JsonNode rubric = p.get("rubric");
    if (rubric == null || !rubric.isArray()) {
      throw new IllegalArgumentException("rubric: missing or not an array");
    }
    JsonNode checks = p.get("checks");
    if (checks != null && (!checks.isArray() || checks.size() != rubric.size())) {
      throw new IllegalArgumentException("checks: must be an array with one entry per criterion");
    }
    List<Criterion> criteria = new ArrayList<>();
    for (int i = 0; i < rubric.size(); i++) {
      JsonNode c = rubric.get(i);
      String where = "rubric criterion " + (i + 1);
      if (!c.isObject()) {
        throw new IllegalArgumentException(where + ": not an object");
      }
      JsonNode weight = c.get("weight");
      if (weight == null || !weight.isIntegralNumber()) {
        throw new IllegalArgumentException(where + ": weight is missing or not an integer");
      }
      Check check = checks == null || checks.get(i).isNull() ? null : check(checks.get(i), where);
      criteria.add(new Criterion(field(c, "title", where), field(c, "description", where), weight.asInt(), check));
    }
    Rubric r;
    try {
      r = new Rubric(criteria);
    } catch (Rubric.RubricException e) {
      throw new IllegalArgumentException("rubric: " + e.getMessage());
    }
    return new Problem(id, text(p, "question"), text(p, "reference_answer"), text(p, "reference_solution"), r,
        p.path("template").asText(""), p.path("difficulty").asInt(0), p.path("mistaken_solution").asText(""));
  }

  private static Check check(JsonNode c, String where) {
    String kind = c.path("kind").asText("");
    return switch (kind) {
      case "contains" -> Check.contains(c.path("text").asText());
      case "answer" -> Check.answer(c.path("value").asDouble(), c.path("unit").asText(""));
      case "unit" -> Check.unit(c.path("unit").asText(""));
      default -> throw new IllegalArgumentException(where + ": check kind '" + kind + "' is not contains, answer or unit");
    };
  }

  private static String text(JsonNode p, String field) {
    JsonNode v = p.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(field + ": missing or not a non-empty string");
    }
    return v.asText();
  }

  private static String field(JsonNode c, String field, String where) {
    JsonNode v = c.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(where + ": " + field + " is missing or not a string");
    }
    return v.asText();
  }

  /** Writes problems as JSON Lines, atomically. */
  public static void write(Path file, List<Problem> problems) throws IOException {
    try (AtomicFile f = AtomicFile.create(file)) {
      OutputStream out = f.stream();
      for (Problem p : problems) {
        out.write(JSON.writeValueAsBytes(toJson(p)));
        out.write('\n');
      }
      f.commit();
    }
  }

  static ObjectNode toJson(Problem p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", p.id());
    o.put("question", p.question());
    o.put("reference_answer", p.referenceAnswer());
    o.put("reference_solution", p.referenceSolution());
    ArrayNode rubric = o.putArray("rubric");
    ArrayNode checks = JSON.createArrayNode();
    boolean anyCheck = false;
    for (Criterion c : p.rubric().criteria()) {
      rubric.addObject().put("title", c.title()).put("description", c.description()).put("weight", c.weight());
      if (c.check() == null) {
        checks.addNull();
      } else {
        anyCheck = true;
        checks.addObject().put("kind", c.check().kind()).put("text", c.check().text()).put("value", c.check().value())
            .put("unit", c.check().unit());
      }
    }
    if (anyCheck) {
      o.set("checks", checks);
    }
    if (!p.template().isEmpty()) {
      o.put("template", p.template());
      o.put("difficulty", p.difficulty());
    }
    if (!p.mistakenSolution().isEmpty()) {
      o.put("mistaken_solution", p.mistakenSolution());
    }
    return o;
  }
}
