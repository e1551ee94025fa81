package dev.rcsd.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A decoder with its own NDManager: what the sampler, the trainers and the teacher use. Closing
 * it frees every native array it holds.
 */
public final class PolicyModel implements AutoCloseable {
  private final NDManager manager;
  private final DecoderModel block;

  private PolicyModel(NDManager manager, DecoderModel block) {
    this.manager = manager;
    this.block = block;
  }

  private static volatile Device device;

  /**
   * The device every model of this process is created on from now on (null: DJL's default, the
   * first GPU where PyTorch sees one, else the CPU).
   */
  public static void useDevice(Device d) {
    device = d;
  }

  /** A randomly initialised model; the same seed gives the same weights. */
  public static PolicyModel random(ModelConfig config, long seed) {
    Device d = device;
    NDManager m = d == null ? NDManager.newBaseManager() : NDManager.newBaseManager(d);
    try {
      DecoderModel block = new DecoderModel(config);
      synchronized (SEEDED) { // PyTorch's generator is the process's: seed and draw without another thread between
        Engine.getInstance().setRandomSeed((int) seed);
        block.initialize(m);
      }
      return new PolicyModel(m, block);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static final Object SEEDED = new Object();

  /** Loads a Hugging Face folder or an rcsd checkpoint. */
  public static PolicyModel load(Path path) throws IOException {
    ModelConfig config = ModelConfig.fromJson(ModelWeights.configJson(path));
    PolicyModel model = random(config, 0);
    try {
      ModelWeights.load(path, model.block);
      return model;
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** An independent copy of the weights, e.g. the frozen teacher or the reference policy. */
  public PolicyModel copy() {
    PolicyModel c = random(block.config(), 0);
    copyWeightsTo(c);
    return c;
  }

  /** Overwrites {@code other}'s weights with this model's. */
  public void copyWeightsTo(PolicyModel other) {
    Map<String, Parameter> mine = block.namedParameters();
    for (Map.Entry<String, Parameter> e : other.block.namedParameters().entrySet()) {
      Tensors.assign(e.getValue().getArray(), mine.get(e.getKey()).getArray().toFloatArray());
    }
  }

  /**
   * A copy of this model with fresh adapters ({@link Lora}: B = 0, so it computes what this model
   * does); the same seed gives the same adapters. This model must have none.
   */
  public PolicyModel withAdapters(Lora lora, long seed) {
    if (config().lora() != null) {
      throw new IllegalStateException("the model has adapters already");
    }
    PolicyModel adapted = random(config().withLora(lora), seed);
    Map<String, Parameter> mine = block.namedParameters();
    adapted.block.namedParameters().forEach((name, p) -> {
      Parameter src = mine.get(name);
      if (src != null) {
        Tensors.assign(p.getArray(), src.getArray().toFloatArray());
      }
    });
    return adapted;
  }

  /**
   * This model with every adapter merged into its weight, W + (alpha / r) B A, and none left: what
   * a Hugging Face folder holds. A model without adapters is copied.
   */
  public PolicyModel merged() {
    ModelConfig lora = config();
    PolicyModel m = random(lora.withLora(null), 0);
    Map<String, Parameter> mine = block.namedParameters();
    try (NDScope temporaries = new NDScope()) {
      m.block.namedParameters().forEach((name, p) -> {
        NDArray w = mine.get(name).getArray();
        Parameter a = mine.get(name.replace(".weight", ".lora_A.weight"));
        Parameter b = mine.get(name.replace(".weight", ".lora_B.weight"));
        if (a != null && b != null) {
          w = w.add(b.getArray().matMul(a.getArray()).mul(lora.lora().scale()));
        }
        Tensors.assign(p.getArray(), w.toFloatArray());
      });
    }
    return m;
  }

  public DecoderModel block() {
    return block;
  }

  public ModelConfig config() {
    return block.config();
  }

  public NDManager manager() {
    return manager;
  }

  /** The logits [T, V] of one sequence, as float32 on the heap. */
  public float[] logits(int[] tokens) {
    try (NDManager scope = manager.newSubManager(); NDScope temporaries = new NDScope()) {
      long[] ids = new long[tokens.length];
      long[] pos = new long[tokens.length];
      boolean[][] valid = new boolean[1][tokens.length];
      for (int i = 0; i < tokens.length; i++) {
        if (tokens[i] < 0 || tokens[i] >= config().vocabSize()) {
          throw new IllegalArgumentException("token " + tokens[i] + " at position " + i + " is outside the vocabulary of "
              + config().vocabSize());
        }
        ids[i] = tokens[i];
        pos[i] = i;
        valid[0][i] = true;
      }
      NDArray t = scope.create(ids, new Shape(1, tokens.length));
      NDArray p = scope.create(pos, new Shape(1, tokens.length));
      return block.logits(t, p, AttentionMask.causal(scope, valid, 0, tokens.length), null).toFloatArray();
    }
  }

  /** Saves the weights and config.json as a checkpoint. */
  public void save(Path file, String producer) throws IOException {
    ModelWeights.save(block, file, dev.rcsd.io.proto.CheckpointHeader.newBuilder().setProducer(producer).build());
  }

  @Override
  public void close() {
    manager.close();
  }
}
