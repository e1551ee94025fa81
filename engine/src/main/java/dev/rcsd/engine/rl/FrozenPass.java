package dev.rcsd.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.engine.model.AttentionMask;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.train.TokenBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * A forward pass of a frozen model (teacher or reference) over prefix + completion sequences:
 * for every completion position, log softmax(logits / T) over the vocabulary. It runs outside any
 * gradient collector, so it records no autograd graph.
 */
final class FrozenPass {
  static final int BATCH = 32;

  private FrozenPass() {}

  /** Per sequence, [completion length, V] log-probabilities, row-major. */
  static List<float[]> logprobs(PolicyModel model, List<int[]> prefixes, List<int[]> completions, float temperature) {
    int vocab = model.config().vocabSize();
    List<float[]> out = new ArrayList<>(prefixes.size());
    NDManager nd = model.manager();
    for (int from = 0; from < prefixes.size(); from += BATCH) {
      int to = Math.min(prefixes.size(), from + BATCH);
      List<TokenBatch.Sequence> seqs = new ArrayList<>();
      for (int i = from; i < to; i++) {
        seqs.add(new TokenBatch.Sequence(prefixes.get(i), completions.get(i)));
      }
      TokenBatch b = TokenBatch.of(seqs);
      float[] logp;
      try (NDScope scope = new NDScope()) {
        NDArray logits = model.block().logits(nd.create(b.tokens, new Shape(b.rows, b.width)),
            nd.create(b.positions, new Shape(b.rows, b.width)), AttentionMask.causal(nd, b.valid, 0, b.width), null);
        logp = logits.div(temperature).logSoftmax(-1).toFloatArray();
      }
      for (int r = 0; r < seqs.size(); r++) {
        TokenBatch.Sequence s = seqs.get(r);
        int length = s.completion().length;
        float[] rows = new float[length * vocab];
        int first = s.prompt().length - 1; // the position that predicts the first completion token
        System.arraycopy(logp, (r * b.width + first) * vocab, rows, 0, length * vocab);
        out.add(rows);
      }
    }
    return out;
  }
}
