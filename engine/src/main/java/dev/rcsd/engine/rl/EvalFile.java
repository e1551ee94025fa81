package dev.rcsd.engine.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.engine.eval.Evaluation;
import java.io.IOException;
import java.nio.file.Path;

/**
 * eval.json: the final policy's and the initial model's evaluation on the whole test split, and on
 * as many problems of the train split (its first ones), greedy decoding, student prompt, and with
 * {@code eval_sampling} the test split's sampled evaluation of both (avg@n):
 *
 * <pre>
 *   {"step": 60, "final": {"accuracy": .., "mean_rubric_score": .., "by_difficulty": {..}, "by_criterion": {..}, ..},
 *    "initial": {..}, "final_train": {..}, "initial_train": {..}, "final_sampled": {..}, "initial_sampled": {..}}
 * </pre>
 */
public final class EvalFile {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private EvalFile() {}

  /** The sampled reports may be null (no sampled evaluation). */
  public static void write(Path file, long step, Evaluation.Report fin, Evaluation.Report initial,
      Evaluation.Report finTrain, Evaluation.Report initialTrain, Evaluation.Report finSampled,
      Evaluation.Report initialSampled) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", step);
    o.set("final", JSON.valueToTree(fin));
    o.set("initial", JSON.valueToTree(initial));
    o.set("final_train", JSON.valueToTree(finTrain));
    o.set("initial_train", JSON.valueToTree(initialTrain));
    if (finSampled != null) {
      o.set("final_sampled", JSON.valueToTree(finSampled));
      o.set("initial_sampled", JSON.valueToTree(initialSampled));
    }
    RunDir.writeString(file, JSON.writeValueAsString(o) + "\n");
  }

  public static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }
}
