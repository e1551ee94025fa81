package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only transformer (Qwen3, Llama, Qwen2) as a DJL block:
 *
 * <pre>
 *   tokens [B, T] -> embed -> DecoderLayer x L -> rms norm -> lm_head (or the embedding, tied) -> logits [B, T, V]
 * </pre>
 *
 * Parameters are named as in Hugging Face checkpoints ({@link #namedParameters()}), so weights
 * load and save by name. {@link #logits} runs a whole sequence, or new positions after a
 * {@link KvCache}; it records an autograd graph only inside a gradient collector. Callers run it
 * inside an {@link ai.djl.ndarray.NDScope} so that its temporaries are freed.
 */
public final class DecoderModel extends AbstractBlock {
  private final ModelConfig config;
  private final Parameter embed;
  private final Parameter norm;
  private final Parameter lmHead;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final Map<String, Parameter> named = new LinkedHashMap<>();
  private NDArray inverseFrequencies;

  public DecoderModel(ModelConfig c) {
    this.config = c;
    embed = addParameter(Parameter.builder().setName("model.embed_tokens.weight").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(c.vocabSize(), c.hiddenSize())).optInitializer(new NormalInitializer(0.02f)).build());
    named.put("model.embed_tokens.weight", embed);
    for (int i = 0; i < c.layers(); i++) {
      DecoderLayer layer = addChildBlock("layer" + i, new DecoderLayer(c));
      layers.add(layer);
      for (Map.Entry<String, Parameter> e : layer.namedParameters().entrySet()) {
        named.put("model.layers." + i + "." + e.getKey(), e.getValue());
      }
    }
    norm = addParameter(Parameter.builder().setName("model.norm.weight").setType(Parameter.Type.GAMMA)
        .optShape(new Shape(c.hiddenSize())).optInitializer(new ConstantInitializer(1f)).build());
    named.put("model.norm.weight", norm);
    if (c.tieWordEmbeddings()) {
      lmHead = null;
    } else {
      lmHead = addParameter(Parameter.builder().setName("lm_head.weight").setType(Parameter.Type.WEIGHT)
          .optShape(new Shape(c.vocabSize(), c.hiddenSize())).optInitializer(new NormalInitializer(0.02f)).build());
      named.put("lm_head.weight", lmHead);
    }
  }

  public ModelConfig config() {
    return config;
  }

  /** Every parameter by its Hugging Face name (adapters by PEFT's), in checkpoint order. */
  public Map<String, Parameter> namedParameters() {
    return Collections.unmodifiableMap(named);
  }

  /** The parameters an optimizer updates: the adapters when the model has them, else all. */
  public Map<String, Parameter> trainableParameters() {
    if (config.lora() == null) {
      return namedParameters();
    }
    Map<String, Parameter> adapters = new LinkedHashMap<>();
    named.forEach((name, p) -> {
      if (isAdapter(name)) {
        adapters.put(name, p);
      }
    });
    return Collections.unmodifiableMap(adapters);
  }

  /** Whether a parameter name is a LoRA adapter's (PEFT's lora_A / lora_B). */
  public static boolean isAdapter(String name) {
    return name.endsWith(".lora_A.weight") || name.endsWith(".lora_B.weight");
  }

  /** Allocates and randomly initialises every parameter (seed the engine first for repeatability). */
  public void initialize(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, 1));
    inverseFrequencies = manager.create(config.inverseFrequencies());
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape hidden = new Shape(1, 1, config.hiddenSize());
    for (DecoderLayer layer : layers) {
      layer.initialize(manager, dataType, hidden);
    }
  }

  /**
   * @param tokens [B, T] int64
   * @param positions [B, T] int64, each token's position in its sequence
   * @param bias [B, 1, T, S] additive attention mask, S = cached positions + T
   * @param cache filled positions to attend to and extend, or null
   * @return logits [B, T, V]
   */
  public NDArray logits(NDArray tokens, NDArray positions, NDArray bias, KvCache cache) {
    return Ops.linear(hidden(tokens, positions, bias, cache), head(), null);
  }

  /**
   * The final-norm hidden states, the input of the head: {@code logits = hidden . head()^T}.
   *
   * @return [B, T, H]
   */
  public NDArray hidden(NDArray tokens, NDArray positions, NDArray bias, KvCache cache) {
    Shape s = tokens.getShape();
    // torch.embedding: its backward adds each row's gradients in one thread, in order; indexing's
    // backward (index_put_ with accumulate) adds them with atomics and is not reproducible
    NDArray x = embed.getArray().getNDArrayInternal()
        .embedding(tokens, embed.getArray(), SparseFormat.DENSE).singletonOrThrow();
    NDList rope = Ops.ropeTables(positions, inverseFrequencies, config.ropeAttentionFactor());
    for (int i = 0; i < layers.size(); i++) {
      x = layers.get(i).forward(x, rope, bias, cache == null ? null : cache.layer(i));
    }
    if (cache != null) {
      cache.advance((int) s.get(1));
    }
    return Ops.rmsNorm(x, norm.getArray(), config.rmsNormEps());
  }

  /** The head's weight [V, H]: lm_head, or the token embedding when tied. */
  public NDArray head() {
    return (lmHead == null ? embed : lmHead).getArray();
  }

  /** An empty cache for {@code batch} sequences of up to {@code capacity} positions. */
  public KvCache newCache(NDManager manager, int batch, int capacity) {
    return new KvCache(manager, config, batch, capacity);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> p) {
    return new NDList(logits(inputs.get(0), inputs.get(1), inputs.get(2), null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape t = inputShapes[0];
    return new Shape[] {new Shape(t.get(0), t.get(1), config.vocabSize())};
  }
}
