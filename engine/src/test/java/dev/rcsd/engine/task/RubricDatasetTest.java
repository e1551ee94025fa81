package dev.rcsd.engine.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rubric datasets as RubricHub and RaR publish them, in JSON Lines and Parquet. */
public class RubricDatasetTest {
  @TempDir Path tmp;

  static final String RUBRICHUB = """
      {"prompt": "A 2 kg cart is pushed with 6 N. What is its acceleration?", "answer": "\\\\boxed{3\\\\,\\\\text{m/s^2}}", \
      "rubric": [{"criterion": "Uses Newton's second law, a = F / m.", "points": 5}, \
      {"criterion": "States the unit.", "importance": "Optional"}, \
      {"criterion": "Confuses mass and weight.", "points": -2}]}
      {"id": "rar-7", "question": "Name the SI unit of power.", "reference_answer": "watt", \
      "rubric": "[{\\"title\\": \\"Essential Criteria: names the watt\\", \\"description\\": \\"Answers watt (W).\\"}, \
      {\\"title\\": \\"Pitfall Criteria: joule\\", \\"description\\": \\"Answers joule.\\"}]"}
      """;

  @Test
  void readsRubricHubAndRarStyleRecords() throws IOException {
    Path f = tmp.resolve("science.jsonl");
    Files.writeString(f, RUBRICHUB);
    List<Problem> ps = RubricDataset.read(f, DataFields.DEFAULTS);
    assertEquals(2, ps.size());
    Problem a = ps.get(0);
    assertEquals("science-1", a.id());
    assertTrue(a.question().startsWith("A 2 kg cart"));
    assertEquals(a.referenceAnswer(), a.referenceSolution(), "no solution: the answer stands in");
    List<Criterion> c = a.rubric().criteria();
    assertEquals(List.of(5, 2, -1), c.stream().map(Criterion::weight).toList());
    assertEquals("Optional", c.get(1).title());
    assertEquals("Uses Newton's second law, a =", c.get(0).title(), "the first words when there is no title");
    Problem b = ps.get(1);
    assertEquals("rar-7", b.id());
    assertEquals(List.of(8, -1), b.rubric().criteria().stream().map(Criterion::weight).toList());
    assertEquals("Essential Criteria: names the watt", b.rubric().criteria().get(0).title());
    // graded with its boxed answer
    assertTrue(new Grader().grade(a, "a = F / m = 3 \\boxed{3 \\, m/s^2}").correct());
  }

  @Test
  void aFieldMapCoversOtherNames() throws IOException {
    Path f = tmp.resolve("other.jsonl");
    Files.writeString(f, "{\"q\": \"2 + 2?\", \"gold\": \"4\", \"checklist\": [{\"item\": \"says 4\", \"w\": 3}]}\n");
    DataFields map = new DataFields(List.of("id"), List.of("q"), List.of("gold"), List.of("solution"),
        List.of("checklist"), List.of("title"), List.of("item"), List.of("w"), List.of("importance"));
    Problem p = RubricDataset.read(f, map).get(0);
    assertEquals("2 + 2?", p.question());
    assertEquals(3, p.rubric().criteria().get(0).weight());
  }

  @Test
  void malformedRecordsNameTheFileLineAndField() throws IOException {
    assertRefused("{\"answer\": \"4\", \"rubric\": [{\"criterion\": \"x\", \"points\": 1}]}", "line 1",
        "question | prompt | problem | extra_info.question: missing");
    assertRefused("{\"prompt\": \"q\", \"answer\": \"4\", \"rubric\": []}", "line 1", "rubric: missing, empty");
    assertRefused("{\"prompt\": \"q\", \"answer\": \"4\", \"rubric\": [{\"criterion\": \"x\"}]}", "line 1",
        "rubric[0]: no weight and no importance label");
    assertRefused("{\"prompt\": \"q\", \"answer\": \"4\", \"rubric\": [{\"criterion\": \"x\", \"points\": 40}]}",
        "line 1", "rubric[0].points: 40.0 is not a pitfall");
    assertRefused("{\"prompt\": \"q\", \"answer\": \"4\", \"rubric\": [{\"points\": 1}]}", "line 1",
        "rubric[0].description: missing or empty");
    assertRefused("{\"prompt\": \"q\", \"answer\": \"4\", \"rubric\": \"[{oops\"}", "line 1",
        "rubric: a string that is not a JSON array");
    assertRefused("\n{\"prompt\": \"q\", \"answer\": \"4\", \"rubric\": [{\"criterion\": \"x\", \"points\": 1}]", "line 2",
        "not JSON");
    String ok = "{\"id\": \"a\", \"prompt\": \"q\", \"answer\": \"4\", \"rubric\": [{\"criterion\": \"x\", \"points\": 1}]}";
    assertRefused(ok + "\n" + ok, "line 2", "id: 'a' appears twice");
  }

  private void assertRefused(String content, String where, String what) throws IOException {
    Path f = tmp.resolve("bad.jsonl");
    Files.writeString(f, content);
    FormatException e = assertThrows(FormatException.class, () -> RubricDataset.read(f, DataFields.DEFAULTS));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(where + ": ")
        && e.getMessage().contains(what), e.getMessage());
  }

  static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message problem {
        required binary prompt (STRING);
        required binary answer (STRING);
        optional group rubric (LIST) {
          repeated group list {
            optional group element {
              optional binary criterion (STRING);
              optional double points;
              optional binary importance (STRING);
            }
          }
        }
      }""");

  /** Writes {@code rows} rows of {@code schema}, row i filled by {@code fill}, as the Parquet writers of datasets do. */
  static Path write(Path file, MessageType schema, int rows, java.util.function.ObjIntConsumer<Group> fill)
      throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withType(schema).build()) {
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup();
        fill.accept(g, i);
        w.write(g);
      }
    }
    return file;
  }

  /** A RubricHub-style Parquet file: a LIST column of structs. */
  public static Path writeParquet(Path file, int problems) throws IOException {
    return write(file, SCHEMA, problems, (g, i) -> {
      g.append("prompt", "A force of " + (i + 2) + " N acts on 1 kg. Acceleration?")
          .append("answer", "\\boxed{" + (i + 2) + " m/s^2}");
      Group list = g.addGroup("rubric");
      list.addGroup("list").addGroup("element").append("criterion", "Uses a = F / m.").append("points", 4.0);
      list.addGroup("list").addGroup("element").append("criterion", "Gives the unit.").append("importance", "Important");
      list.addGroup("list").addGroup("element").append("criterion", "Divides m by F.").append("importance", "Pitfall");
    });
  }

  @Test
  void readsParquetWithAListOfStructs() throws IOException {
    Path f = writeParquet(tmp.resolve("science.parquet"), 5);
    List<Problem> ps = RubricDataset.read(f, DataFields.DEFAULTS);
    assertEquals(5, ps.size());
    Problem p = ps.get(3);
    assertEquals("science-4", p.id());
    assertEquals("\\boxed{5 m/s^2}", p.referenceAnswer());
    assertEquals(List.of(4, 5, -1), p.rubric().criteria().stream().map(Criterion::weight).toList());
    assertTrue(new Grader().grade(p, "so \\boxed{5 \\text{ m/s^2}}").correct());
    Path broken = tmp.resolve("broken.parquet");
    Files.write(broken, new byte[] {'P', 'A', 'R', '1', 0, 0, 0});
    FormatException e = assertThrows(FormatException.class, () -> RubricDataset.read(broken, DataFields.DEFAULTS));
    assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
  }

  public static final String SYSTEM = "You are a careful physicist. Put the final answer in \\boxed{}.";

  /**
   * verl's RL layout as RubricHub's recipes and Hugging Face {@code datasets} write it: chat
   * messages, {@code reward_model.ground_truth}, {@code extra_info} and a {@code Rubrics} LIST of
   * structs (3-level lists, optional fields, int64 weights).
   */
  static final MessageType VERL = MessageTypeParser.parseMessageType("""
      message schema {
        optional binary data_source (STRING);
        optional group prompt (LIST) {
          repeated group list {
            optional group element {
              optional binary content (STRING);
              optional binary role (STRING);
            }
          }
        }
        optional binary ability (STRING);
        optional group reward_model {
          optional binary ground_truth (STRING);
          optional binary style (STRING);
        }
        optional group extra_info {
          optional int64 index;
          optional binary reference_solution (STRING);
        }
        optional group Rubrics (LIST) {
          repeated group list {
            optional group element {
              optional binary description (STRING);
              optional binary title (STRING);
              optional int64 weight;
            }
          }
        }
      }""");

  /** A verl-style Parquet file of {@code problems} rows: a system and a user turn each. */
  public static Path writeVerlParquet(Path file, int problems) throws IOException {
    return write(file, VERL, problems, (g, i) -> {
      g.append("data_source", "rubrichub/science").append("ability", "science");
      Group prompt = g.addGroup("prompt");
      prompt.addGroup("list").addGroup("element").append("content", SYSTEM).append("role", "system");
      prompt.addGroup("list").addGroup("element").append("content", "A force of " + (i + 2)
          + " N acts on 1 kg. What is \\frac{{F}}{{m}}? {# units #}").append("role", "user");
      g.addGroup("reward_model").append("ground_truth", "\\boxed{" + (i + 2) + " m/s^2}").append("style", "rubric");
      g.addGroup("extra_info").append("index", (long) i).append("reference_solution", "a = F / m = " + (i + 2)
          + " m/s^2");
      Group rubric = g.addGroup("Rubrics");
      rubric.addGroup("list").addGroup("element").append("description", "Uses a = F / m.").append("title", "Law")
          .append("weight", 5L);
      rubric.addGroup("list").addGroup("element").append("description", "Divides m by F.").append("title", "Pitfall")
          .append("weight", -2L);
    });
  }

  /** RaR's layout as {@code datasets} writes it: question, reference_answer, rubric of title/description/weight. */
  static final MessageType RAR = MessageTypeParser.parseMessageType("""
      message schema {
        optional binary question (STRING);
        optional binary reference_answer (STRING);
        optional group rubric (LIST) {
          repeated group list {
            optional group element {
              optional binary description (STRING);
              optional binary title (STRING);
              optional double weight;
            }
          }
        }
      }""");

  public static Path writeRarParquet(Path file, int problems) throws IOException {
    return write(file, RAR, problems, (g, i) -> {
      g.append("question", "A 1 kg mass is lifted " + (i + 1) + " m. Work done? {% raw %}")
          .append("reference_answer", "\\boxed{" + (10 * (i + 1)) + " J}");
      Group rubric = g.addGroup("rubric");
      rubric.addGroup("list").addGroup("element").append("description", "Uses W = m g h.")
          .append("title", "Essential Criteria: work").append("weight", 5.0);
      rubric.addGroup("list").addGroup("element").append("description", "Leaves out g.")
          .append("title", "Pitfall Criteria: g").append("weight", -1.0);
    });
  }

  @Test
  void readsVerlStyleParquetWithChatMessages() throws IOException {
    List<Problem> ps = RubricDataset.read(writeVerlParquet(tmp.resolve("verl.parquet"), 3), DataFields.DEFAULTS);
    assertEquals(3, ps.size());
    Problem p = ps.get(1);
    assertEquals("1", p.id(), "extra_info.index");
    assertEquals("A force of 3 N acts on 1 kg. What is \\frac{{F}}{{m}}? {# units #}", p.question(),
        "the last user turn, as written");
    assertEquals(List.of(new ChatTemplate.Message("system", SYSTEM)), p.turnsBefore());
    assertEquals(2, p.messages().size());
    assertEquals("\\boxed{3 m/s^2}", p.referenceAnswer(), "reward_model.ground_truth");
    assertEquals("a = F / m = 3 m/s^2", p.referenceSolution(), "extra_info.reference_solution");
    assertEquals(List.of(5, -1), p.rubric().criteria().stream().map(Criterion::weight).toList());
    assertEquals(p.question(), PromptTemplates.DEFAULTS.student(p), "the student sees the file's turn as written");
    assertTrue(PromptTemplates.DEFAULTS.rubric(p).contains(p.question()) && PromptTemplates.DEFAULTS.rubric(p)
        .contains("Uses a = F / m."), "the teacher's prompt holds the question and the rubric");
  }

  @Test
  void readsRarStyleParquetAndVerlJsonl() throws IOException {
    Problem rar = RubricDataset.read(writeRarParquet(tmp.resolve("rar.parquet"), 2), DataFields.DEFAULTS).get(1);
    assertEquals("A 1 kg mass is lifted 2 m. Work done? {% raw %}", rar.question());
    assertEquals("\\boxed{20 J}", rar.referenceAnswer());
    assertEquals(List.of(5, -1), rar.rubric().criteria().stream().map(Criterion::weight).toList());
    assertTrue(rar.messages().isEmpty());
    Path f = tmp.resolve("verl.jsonl");
    Files.writeString(f, """
        {"data_source": "x", "prompt": [{"role": "user", "content": "First?"}, {"role": "assistant", "content": "A."},         {"role": "user", "content": "Then 2 + 2?"}], "reward_model": {"style": "rubric", "ground_truth": "4"},         "extra_info": {"question": "2 + 2?", "solution": "2 + 2 = 4"},         "Rubrics": [{"title": "Sum", "description": "Says 4.", "weight": 3}]}
        """);
    Problem v = RubricDataset.read(f, DataFields.DEFAULTS).get(0);
    assertEquals("Then 2 + 2?", v.question(), "the last user turn before extra_info.question");
    assertEquals(2, v.turnsBefore().size());
    assertEquals("4", v.referenceAnswer());
    assertEquals("2 + 2 = 4", v.referenceSolution(), "extra_info.solution");
    DataFields nested = new DataFields(List.of("id"), List.of("extra_info.question"), List.of("reward_model.ground_truth"),
        List.of("solution"), List.of("Rubrics"), List.of("title"), List.of("description"), List.of("weight"),
        List.of("importance"));
    assertEquals("2 + 2?", RubricDataset.read(f, nested).get(0).question(), "data_fields maps nested names");
  }

  @Test
  void malformedChatPromptsAndWeightsAreRefusedByField() throws IOException {
    String tail = ", \"reward_model\": {\"ground_truth\": \"4\"}, \"Rubrics\": [{\"description\": \"x\", \"weight\": 1}]}";
    assertRefused("{\"prompt\": [{\"role\": \"system\", \"content\": \"s\"}]" + tail, "line 1",
        "prompt: no user turn among 1 messages");
    assertRefused("{\"prompt\": [{\"role\": \"user\"}]" + tail, "line 1", "prompt[0].content: missing");
    assertRefused("{\"prompt\": [{\"role\": \"user\", \"content\": 3}]" + tail, "line 1",
        "prompt[0].content: not a string");
    assertRefused("{\"prompt\": [{\"content\": \"q\"}]" + tail, "line 1", "prompt[0].role: missing");
    assertRefused("{\"prompt\": [\"q\"]" + tail, "line 1", "prompt[0]: not a chat message");
    assertRefused("{\"prompt\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", "
        + "\"content\": \"a\"}]" + tail, "line 1", "prompt[1]: a 'assistant' turn after the last user turn");
    assertRefused("{\"prompt\": [{\"role\": \"user\", \"content\": \"q\"}], \"reward_model\": {\"ground_truth\":"
        + " \"4\"}, \"Rubrics\": [{\"description\": \"x\", \"weight\": \"5\"}]}", "line 1",
        "Rubrics[0].weight: '5' is not a number");
  }

  @Test
  void boxedAnswersNestAndStrictModeComparesText() {
    assertEquals("\\frac{1}{2}", Grader.boxed("x \\boxed{1} then \\boxed{\\frac{1}{2}}"));
    assertEquals("7", Grader.boxed("\\boxed{7} and an unclosed \\boxed{8"));
    assertNull(Grader.boxed("no box"));
    Problem p = new Problem("p", "q", "12 J", "s", Rubric.imported(List.of(new Criterion("t", "d", 1, null))), "", 0);
    assertTrue(new Grader().grade(p, "\\boxed{0.012 kJ}").correct(), "numbers with units convert");
    assertTrue(new Grader().grade(p, "Answer: 12 J").correct(), "the marker still works");
    assertTrue(!new Grader(true).grade(p, "\\boxed{0.012 kJ}").correct(), "strict: text only");
    assertTrue(new Grader(true).grade(p, "\\boxed{ 12  J }").correct());
    Problem text = new Problem("t", "q", "\\boxed{watt}", "s", p.rubric(), "", 0);
    assertTrue(new Grader().grade(text, "It is the \\boxed{\\text{watt}}.").correct());
  }
}
