package dev.rcsd.engine.rl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.io.AtomicFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * metrics.jsonl: one JSON object per step, appended as the run goes:
 *
 * <pre>
 *   {"step": 3, "loss": .., "reward": .., "accuracy": .., "kl": .., "teacher_divergence": ..,
 *    "grad_norm": .., "lr": .., "tokens": .., "tokens_per_s": .., "step_seconds": .., "wall_time": ..,
 *    "eval_accuracy": .., "eval_rubric_score": ..}        (eval_* on evaluation steps only)
 * </pre>
 *
 * A run that evaluates starts with a line {"step": 0, "wall_time": .., "eval_accuracy": ..,
 * "eval_rubric_score": ..} for the initial model. Values that are not numbers (GRPO has no
 * teacher) are null. On resume the lines after the
 * checkpoint's step, and a line a crash cut short, are dropped.
 */
public final class MetricsLog implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final FileChannel out;
  private final double wallTime;

  private MetricsLog(Path file, FileChannel out, double wallTime) {
    this.file = file;
    this.out = out;
    this.wallTime = wallTime;
  }

  /** Opens the log for appending after keeping only the complete lines of steps up to {@code step}. */
  public static MetricsLog open(Path file, long step) throws IOException {
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode line : read(file)) {
      // from step 0 (no checkpoint yet) nothing is kept: the initial evaluation is made again
      if (step > 0 && line.path("step").asLong(Long.MAX_VALUE) <= step) {
        kept.add(line);
      }
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode line : kept) {
      text.append(JSON.writeValueAsString(line)).append('\n');
    }
    RunDir.writeString(file, text.toString());
    double wall = kept.isEmpty() ? 0 : kept.get(kept.size() - 1).path("wall_time").asDouble(0);
    return new MetricsLog(file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND), wall);
  }

  /** The complete lines of a log (none when it does not exist). */
  public static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    for (String line : text.substring(0, end + 1).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(JSON.readTree(line));
      } catch (JsonProcessingException e) {
        throw new IOException(file + ": line " + (out.size() + 1) + " is not JSON: " + e.getOriginalMessage(), e);
      }
    }
    return out;
  }

  /** Wall time of the run up to the last kept line, in seconds. */
  public double wallTime() {
    return wallTime;
  }

  public void append(StepStats s, double wallTime, Evaluation.Report eval) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", s.step());
    put(o, "loss", s.loss());
    put(o, "reward", s.reward());
    put(o, "accuracy", s.accuracy());
    put(o, "kl", s.kl());
    put(o, "teacher_divergence", s.teacherDivergence());
    put(o, "grad_norm", s.gradNorm());
    put(o, "lr", s.learningRate());
    o.put("tokens", s.tokens());
    put(o, "tokens_per_s", s.tokens() / s.seconds());
    put(o, "step_seconds", s.seconds());
    put(o, "wall_time", wallTime);
    if (eval != null) {
      put(o, "eval_accuracy", eval.accuracy());
      put(o, "eval_rubric_score", eval.meanRubricScore());
    }
    write(o);
  }

  /** A line with only an evaluation, e.g. of the initial model at step 0. */
  public void appendEvaluation(long step, double wallTime, Evaluation.Report eval) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", step);
    put(o, "wall_time", wallTime);
    put(o, "eval_accuracy", eval.accuracy());
    put(o, "eval_rubric_score", eval.meanRubricScore());
    write(o);
  }

  /** Appends one line whole: a failed write (a full disk) is cut back off, so the log holds complete lines only. */
  private void write(ObjectNode o) throws IOException {
    ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
    long before = out.size();
    try {
      while (line.hasRemaining()) {
        out.write(line);
      }
    } catch (IOException e) {
      try {
        out.truncate(before);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw AtomicFile.writeFailed(file, line.limit(), e);
    }
  }

  /** Forces the lines so far to disk (before a checkpoint that covers them). */
  public void sync() throws IOException {
    out.force(false);
  }

  private static void put(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
