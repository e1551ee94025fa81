package dev.rcsd.engine.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcsd.engine.rl.EvalFile;
import dev.rcsd.engine.rl.MetricsLog;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What a finished run of one arm of a comparison measured, read back from its folder: the test-split evaluation of the
 * final and initial models (eval.json), and from metrics.jsonl the wall time, the completion
 * tokens sampled and the accuracy curve on the evaluation subset.
 *
 * @param trainAccuracy the final model's accuracy on as many train-split problems (NaN for runs
 *     from before train-split evaluations)
 * @param sampledAccuracy the final model's sampled held-out accuracy (avg@n, {@code eval_sampling}),
 *     NaN without a sampled evaluation
 * @param sampledSamples n of that evaluation (0 without one)
 * @param curve (step, eval accuracy) pairs, step 0 being the initial model; for a run without
 *     evaluations on the way, the initial and final models' accuracy on the test split
 */
public record RunSummary(String method, long seed, int steps, double accuracy, double rubricScore,
    double initialAccuracy, double initialRubricScore, int testProblems, double trainAccuracy,
    double initialTrainAccuracy, double sampledAccuracy, double initialSampledAccuracy, int sampledSamples,
    double wallTime, long tokens, List<double[]> curve) {

  /** A run of {@code arm} (a method, or a named variant of one in a comparison). */
  public static RunSummary read(RunDir dir, String arm) throws IOException {
    RunConfig c = RunConfig.fromJson(Files.readString(dir.config()));
    JsonNode eval = EvalFile.read(dir.eval());
    double wall = 0;
    long tokens = 0;
    List<double[]> curve = new ArrayList<>();
    for (JsonNode line : MetricsLog.read(dir.metrics())) {
      wall = Math.max(wall, line.path("wall_time").asDouble(0));
      tokens += line.path("tokens").asLong(0);
      if (line.hasNonNull("eval_accuracy")) {
        curve.add(new double[] {line.get("step").asDouble(), line.get("eval_accuracy").asDouble()});
      }
    }
    JsonNode fin = eval.get("final");
    JsonNode init = eval.get("initial");
    if (curve.isEmpty()) { // a run that never evaluated on the way: its two test-split evaluations
      curve.add(new double[] {0, init.get("accuracy").asDouble()});
      curve.add(new double[] {c.steps(), fin.get("accuracy").asDouble()});
    }
    return new RunSummary(arm, c.seed(), c.steps(), fin.get("accuracy").asDouble(),
        fin.path("mean_rubric_score").asDouble(Double.NaN), init.get("accuracy").asDouble(),
        init.path("mean_rubric_score").asDouble(Double.NaN), fin.get("problems").asInt(),
        eval.path("final_train").path("accuracy").asDouble(Double.NaN),
        eval.path("initial_train").path("accuracy").asDouble(Double.NaN),
        eval.path("final_sampled").path("accuracy").asDouble(Double.NaN),
        eval.path("initial_sampled").path("accuracy").asDouble(Double.NaN),
        eval.path("final_sampled").path("samples").asInt(0), wall, tokens, curve);
  }
}
