package dev.rcsd.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One decoder layer, as transformers writes Llama, Qwen2 and Qwen3:
 *
 * <pre>
 *   h = x + o_proj(attention(rope(q_norm?(q_proj x')), rope(k_norm?(k_proj x')), v_proj x')),  x' = rms(x)
 *   y = h + down_proj(silu(gate_proj h') * up_proj h'),                                      h' = rms(h)
 * </pre>
 *
 * with grouped-query attention (each key/value head serves heads / kv_heads query heads).
 * Parameters are named by their Hugging Face suffix, e.g. {@code self_attn.q_proj.weight}; a
 * projection with a LoRA adapter ({@link Lora}) adds {@code x A^T B^T alpha / r}, with A and B
 * named by PEFT's suffixes, e.g. {@code self_attn.q_proj.lora_A.weight}.
 */
public final class DecoderLayer extends AbstractBlock {
  private final ModelConfig config;
  private final Map<String, Parameter> params = new LinkedHashMap<>();
  private final Parameter inputNorm;
  private final Parameter postNorm;
  private final Parameter q;
  private final Parameter k;
  private final Parameter v;
  private final Parameter o;
  private final Parameter qBias;
  private final Parameter kBias;
  private final Parameter vBias;
  private final Parameter qNorm;
  private final Parameter kNorm;
  private final Parameter gate;
  private final Parameter up;
  private final Parameter down;
  /** Adapters by projection name (q_proj, ...): A [r, in] and B [out, r]. */
  private final Map<String, Parameter[]> adapters = new LinkedHashMap<>();

  DecoderLayer(ModelConfig c) {
    this.config = c;
    int h = c.hiddenSize();
    int qDim = c.heads() * c.headDim();
    int kvDim = c.kvHeads() * c.headDim();
    inputNorm = ones("input_layernorm.weight", h);
    postNorm = ones("post_attention_layernorm.weight", h);
    q = weight("self_attn.q_proj.weight", qDim, h);
    k = weight("self_attn.k_proj.weight", kvDim, h);
    v = weight("self_attn.v_proj.weight", kvDim, h);
    o = weight("self_attn.o_proj.weight", h, qDim);
    qBias = c.attentionBias() ? zeros("self_attn.q_proj.bias", qDim) : null;
    kBias = c.attentionBias() ? zeros("self_attn.k_proj.bias", kvDim) : null;
    vBias = c.attentionBias() ? zeros("self_attn.v_proj.bias", kvDim) : null;
    qNorm = c.qkNorm() ? ones("self_attn.q_norm.weight", c.headDim()) : null;
    kNorm = c.qkNorm() ? ones("self_attn.k_norm.weight", c.headDim()) : null;
    gate = weight("mlp.gate_proj.weight", c.intermediateSize(), h);
    up = weight("mlp.up_proj.weight", c.intermediateSize(), h);
    down = weight("mlp.down_proj.weight", h, c.intermediateSize());
    if (c.lora() != null) {
      for (String target : c.lora().targets()) {
        String prefix = (List.of("gate_proj", "up_proj", "down_proj").contains(target) ? "mlp." : "self_attn.") + target;
        Shape w = params.get(prefix + ".weight").getShape();
        long out = w.get(0);
        long in = w.get(1);
        int r = c.lora().rank();
        Parameter a = add(prefix + ".lora_A.weight", Parameter.builder().setName(prefix + ".lora_A.weight")
            .setType(Parameter.Type.WEIGHT).optShape(new Shape(r, in))
            .optInitializer(new UniformInitializer((float) (1 / Math.sqrt(in)))).build());
        Parameter b = add(prefix + ".lora_B.weight", Parameter.builder().setName(prefix + ".lora_B.weight")
            .setType(Parameter.Type.WEIGHT).optShape(new Shape(out, r)).optInitializer(new ConstantInitializer(0f))
            .build());
        adapters.put(target, new Parameter[] {a, b});
      }
    }
  }

  /** x W^T (+ b), plus the projection's adapter when it has one. */
  private NDArray project(String name, NDArray x, Parameter w, Parameter b) {
    NDArray y = Ops.linear(x, w.getArray(), b == null ? null : b.getArray());
    Parameter[] ab = adapters.get(name);
    if (ab == null) {
      return y;
    }
    NDArray low = Ops.linear(Ops.linear(x, ab[0].getArray(), null), ab[1].getArray(), null);
    return y.add(low.mul(Scalars.of(low, config.lora().scale())));
  }

  private Parameter add(String name, Parameter p) {
    params.put(name, addParameter(p));
    return p;
  }

  private Parameter weight(String name, long rows, long cols) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, cols))
        .optInitializer(new NormalInitializer(0.02f)).build();
    return add(name, p);
  }

  private Parameter ones(String name, long n) {
    return add(name, Parameter.builder().setName(name).setType(Parameter.Type.GAMMA).optShape(new Shape(n))
        .optInitializer(new ConstantInitializer(1f)).build());
  }

  private Parameter zeros(String name, long n) {
    return add(name, Parameter.builder().setName(name).setType(Parameter.Type.BIAS).optShape(new Shape(n))
        .optInitializer(new ConstantInitializer(0f)).build());
  }

  /** The adapters' A and B by projection name (empty without LoRA). */
  Map<String, Parameter[]> adapters() {
    return adapters;
  }

  /** This layer's parameters by Hugging Face suffix. */
  Map<String, Parameter> namedParameters() {
    return params;
  }

  /**
   * @param x [B, T, hidden]
   * @param rope cos and sin, [B, 1, T, head_dim] each
   * @param bias additive attention mask [B, 1, T, S] (0 or a large negative), S = cached + T
   * @param cache this layer's cache, or null to attend within x only
   */
  NDArray forward(NDArray x, NDList rope, NDArray bias, KvCache.Layer cache) {
    long batch = x.getShape().get(0);
    long t = x.getShape().get(1);
    int hd = config.headDim();
    NDArray xn = Ops.rmsNorm(x, inputNorm.getArray(), config.rmsNormEps());
    NDArray qs = project("q_proj", xn, q, qBias).reshape(batch, t, config.heads(), hd);
    NDArray ks = project("k_proj", xn, k, kBias).reshape(batch, t, config.kvHeads(), hd);
    NDArray vs = project("v_proj", xn, v, vBias).reshape(batch, t, config.kvHeads(), hd);
    if (qNorm != null) {
      qs = Ops.rmsNorm(qs, qNorm.getArray(), config.rmsNormEps());
      ks = Ops.rmsNorm(ks, kNorm.getArray(), config.rmsNormEps());
    }
    qs = Ops.rope(qs.transpose(0, 2, 1, 3), rope); // [B, H, T, D]
    ks = Ops.rope(ks.transpose(0, 2, 1, 3), rope); // [B, KV, T, D]
    vs = vs.transpose(0, 2, 1, 3);
    if (cache != null) {
      NDList kv = cache.append(ks, vs);
      ks = kv.get(0);
      vs = kv.get(1);
    }
    NDArray attn = Ops.attention(qs, Ops.repeatKv(ks, config.groups()), Ops.repeatKv(vs, config.groups()), bias);
    NDArray merged = attn.transpose(0, 2, 1, 3).reshape(batch, t, (long) config.heads() * hd);
    NDArray h = x.add(project("o_proj", merged, o, null));
    NDArray hn = Ops.rmsNorm(h, postNorm.getArray(), config.rmsNormEps());
    NDArray mlp = project("down_proj", Ops.silu(project("gate_proj", hn, gate, null)).mul(project("up_proj", hn, up, null)),
        down, null);
    return h.add(mlp);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> p) {
    return new NDList(forward(inputs.get(0), new NDList(inputs.get(1), inputs.get(2)), inputs.get(3), null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
