package dev.rcsd.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.engine.model.AttentionMask;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.train.TokenBatch;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A forward pass of a frozen model (teacher or reference) over prefix + completion sequences,
 * handing on, for every completion position, log softmax(logits / T) over the vocabulary and the
 * final-norm hidden state. The logits are computed from the hidden states a chunk of positions
 * at a time, so the pass never holds [positions, vocabulary]. It runs outside any gradient
 * collector, so it records no autograd graph.
 */
final class FrozenPass {
  static final int BATCH = 32;

  private FrozenPass() {}

  /** Receives one completion position of one sequence. */
  @FunctionalInterface
  interface RowSink {
    /**
     * @param sequence index into the pass's sequences
     * @param position completion position (0 predicts the first completion token)
     * @param logprobs holds the row's V log-probabilities from {@code offset}; reused after the call
     * @param hidden holds the row's H hidden-state values from {@code hiddenOffset}; reused after the call
     */
    void accept(int sequence, int position, float[] logprobs, int offset, float[] hidden, int hiddenOffset);
  }

  /**
   * Runs the model over every sequence and hands each completion position to {@code sink}, in
   * sequence order, {@code chunkRows} positions' logits at a time.
   */
  static void forEachRow(PolicyModel model, List<int[]> prefixes, List<int[]> completions, float temperature,
      int chunkRows, RowSink sink) {
    int vocab = model.config().vocabSize();
    int hiddenSize = model.config().hiddenSize();
    NDManager nd = model.manager();
    for (int from = 0; from < prefixes.size(); from += BATCH) {
      int to = Math.min(prefixes.size(), from + BATCH);
      List<TokenBatch.Sequence> seqs = new ArrayList<>();
      for (int i = from; i < to; i++) {
        seqs.add(new TokenBatch.Sequence(prefixes.get(i), completions.get(i)));
      }
      TokenBatch b = TokenBatch.of(seqs);
      int[] at = UpdateStage.rowPositions(seqs, b.width);
      int[] sequence = new int[at.length];
      int[] position = new int[at.length];
      for (int r = 0, n = 0; r < seqs.size(); r++) {
        for (int t = 0; t < seqs.get(r).completion().length; t++, n++) {
          sequence[n] = from + r;
          position[n] = t;
        }
      }
      try (NDScope scope = new NDScope()) {
        NDArray h = model.block().hidden(nd.create(b.tokens, new Shape(b.rows, b.width)),
            nd.create(b.positions, new Shape(b.rows, b.width)), AttentionMask.causal(nd, b.valid, 0, b.width), null)
            .reshape(b.rows * (long) b.width, hiddenSize);
        NDArray w = model.block().head();
        float[] logprobs = new float[0];
        for (int c = 0; c < at.length; c += chunkRows) {
          int n = Math.min(at.length, c + chunkRows) - c;
          try (NDScope chunk = new NDScope()) {
            long[] rows = new long[n];
            for (int i = 0; i < n; i++) {
              rows[i] = at[c + i];
            }
            NDArray hc = h.get(nd.create(rows));
            if (logprobs.length != n * vocab) {
              logprobs = new float[n * vocab];
            }
            hc.matMul(w.transpose()).div(temperature).logSoftmax(-1).toByteBuffer(true).order(ByteOrder.nativeOrder())
                .asFloatBuffer().get(logprobs);
            float[] hidden = hc.toFloatArray();
            for (int i = 0; i < n; i++) {
              sink.accept(sequence[c + i], position[c + i], logprobs, i * vocab, hidden, i * hiddenSize);
            }
          }
        }
      }
    }
  }
}
