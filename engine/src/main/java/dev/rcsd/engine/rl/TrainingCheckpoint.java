package dev.rcsd.engine.rl;

import ai.djl.ndarray.NDArray;
import dev.rcsd.engine.model.ModelWeights;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.ModelTokenizer;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.AdamWSettings;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.checkpoint.CheckpointWriter;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.DType;
import dev.rcsd.io.proto.DataCursor;
import dev.rcsd.io.proto.OptimizerState;
import dev.rcsd.io.proto.TensorRole;
import dev.rcsd.io.proto.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A checkpoint a run can resume from: the policy's parameters, AdamW's moments (tensors with the
 * optimizer roles) and step count, the resolved configuration, the data cursor and the tokenizer.
 * Sampling seeds are functions of (run seed, step), so nothing else is state.
 */
public final class TrainingCheckpoint {
  /** What a training checkpoint says about the run besides its tensors. */
  public record State(long step, String method, RunConfig config, Cursor cursor) {}

  private TrainingCheckpoint() {}

  /**
   * @param companions the model's Hugging Face companion files as checkpoint metadata
   *     ({@link ModelTokenizer#companions}: tokenizer, chat template, generation config)
   */
  public static void save(Path file, PolicyModel policy, AdamW opt, State s, java.util.Map<String, String> companions,
      String producer) throws IOException {
    AdamWSettings a = opt.settings();
    TrainingState training = TrainingState.newBuilder()
        .setStep(s.step())
        .setMethod(s.method())
        .setConfigJson(s.config().toJson())
        .setDataCursor(DataCursor.newBuilder().setEpoch(s.cursor().epoch()).setPosition(s.cursor().position())
            .setShuffleSeed(s.config().seed()))
        .setOptimizer(OptimizerState.newBuilder().setName("adamw").setStep(opt.steps())
            .putSettings("beta1", a.beta1()).putSettings("beta2", a.beta2()).putSettings("eps", a.eps())
            .putSettings("weight_decay", a.weightDecay()).putSettings("max_grad_norm", a.maxGradNorm()))
        .build();
    CheckpointHeader header = CheckpointHeader.newBuilder()
        .setProducer(producer)
        .setConfigJson(policy.config().toJson())
        .setTraining(training)
        .putAllMetadata(companions)
        .build();
    try (CheckpointWriter w = CheckpointWriter.create(file, header)) {
      ModelWeights.writeParameters(policy.block(), w);
      writeMoments(w, opt.firstMoments(), TensorRole.OPTIMIZER_FIRST_MOMENT);
      writeMoments(w, opt.secondMoments(), TensorRole.OPTIMIZER_SECOND_MOMENT);
      w.commit();
    }
  }

  private static void writeMoments(CheckpointWriter w, Map<String, NDArray> moments, TensorRole role)
      throws IOException {
    for (Map.Entry<String, NDArray> e : moments.entrySet()) {
      NDArray a = e.getValue();
      w.writeFloats(TensorInfo.of(e.getKey(), DType.F32, a.getShape().getShape(), role), a.toFloatArray());
    }
  }

  /** The training state of {@code file}, without reading its tensors. */
  public static State state(Path file) throws IOException {
    try (CheckpointReader r = CheckpointReader.open(file)) {
      return state(file, r.header());
    }
  }

  private static State state(Path file, CheckpointHeader h) throws FormatException {
    if (!h.hasTraining() || h.getTraining().getConfigJson().isEmpty() || !h.getTraining().hasOptimizer()) {
      throw new FormatException(file, "not a training checkpoint of an RL run (no training state with configuration"
          + " and optimizer)");
    }
    TrainingState t = h.getTraining();
    RunConfig config;
    try {
      config = RunConfig.fromJson(t.getConfigJson());
    } catch (IllegalArgumentException e) {
      throw new FormatException(file, "training.config_json: " + e.getMessage());
    }
    return new State(t.getStep(), t.getMethod(), config,
        new Cursor(t.getDataCursor().getEpoch(), t.getDataCursor().getPosition()));
  }

  /**
   * Restores the policy's parameters and the optimizer's moments and step count from
   * {@code file}, checking every tensor, and returns the run's state.
   */
  public static State load(Path file, PolicyModel policy, AdamW opt) throws IOException {
    ModelWeights.load(file, policy.block());
    Map<String, float[]> first = new HashMap<>();
    Map<String, float[]> second = new HashMap<>();
    State s;
    long optimizerSteps;
    try (CheckpointReader r = CheckpointReader.open(file)) {
      s = state(file, r.header());
      optimizerSteps = r.header().getTraining().getOptimizer().getStep();
      for (TensorInfo t; (t = r.next()) != null; ) {
        Map<String, float[]> target = switch (t.role()) {
          case OPTIMIZER_FIRST_MOMENT -> first;
          case OPTIMIZER_SECOND_MOMENT -> second;
          default -> null;
        };
        if (target != null) {
          if (t.dtype() != DType.F32) {
            throw new FormatException(file, "optimizer tensor '" + t.name() + "' is " + t.dtype() + ", not F32");
          }
          target.put(t.name(), r.readFloats());
        }
      }
    }
    try {
      opt.restore(optimizerSteps, first, second);
    } catch (IllegalArgumentException e) {
      throw new FormatException(file, e.getMessage());
    }
    return s;
  }
}
