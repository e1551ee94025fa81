package dev.rcsd.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rcsd.engine.model.AttentionMask;
import dev.rcsd.engine.model.PolicyModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Back-propagation of a loss over the logits of some positions without ever holding the logits
 * of all of them (Liger's fused-linear losses). With h the final-norm hidden states [B T, H] and W
 * the head [V, H], chunk by chunk of the loss rows:
 *
 * <pre>
 *   logits_c = h_c W^T                 [n, V]   outside autograd, freed after the chunk
 *   loss_c, G_c = the kernel's         G_c = d loss / d logits_c
 *   dh_c = G_c W                       [n, H]
 *   dW  += G_c^T h_c                   [V, H]
 * </pre>
 *
 * then the surrogate {@code sum(h * stopgrad(dh)) + W . stopgrad(dW)} is back-propagated:
 * its gradient is the loss's with respect to every parameter (through h, and directly on W, which
 * is the token embedding when the head is tied). Peak memory is one chunk's logits and gradient
 * (twice: PyTorch's and Java's), dh, and dW (accumulated in slices of the vocabulary, in place)
 * beside W's own gradient, instead of [B T, V] several times over.
 */
public final class FusedLinearLoss {
  /** The loss of a chunk of rows and its gradient. */
  @FunctionalInterface
  public interface ChunkLoss {
    /**
     * @param from first loss row of the chunk
     * @param to one past its last
     * @param logits [to - from, V] the chunk's logits
     * @param grad out [to - from, V]: d loss / d logits (the whole loss's, at these rows)
     * @return the chunk's share of the loss
     */
    double apply(int from, int to, float[] logits, float[] grad);
  }

  /** The size of one slice of the head's gradient accumulator [V / slices, H]. */
  static final int HEAD_SLICE_BYTES = 64 << 20;

  private FusedLinearLoss() {}

  /**
   * Runs the model on a batch with autograd up to its final norm, computes the loss chunk by chunk
   * over the positions {@code at}, and back-propagates it into the parameters' gradients.
   *
   * @param at the flat positions (row * width + column) whose logits the loss reads, in loss-row order
   * @param chunkRows loss rows per chunk (at least 1)
   * @return the loss, the sum of the chunks'
   * @throws NonFiniteException when the loss or a gradient entry is NaN or infinite
   */
  public static double backward(PolicyModel model, TokenBatch b, int[] at, int chunkRows, ChunkLoss loss) {
    NDManager nd = model.manager();
    try (NDScope scope = new NDScope();
        GradientCollector gc = Autograd.collector()) {
      NDArray h = model.block().hidden(nd.create(b.tokens, new Shape(b.rows, b.width)),
          nd.create(b.positions, new Shape(b.rows, b.width)), AttentionMask.causal(nd, b.valid, 0, b.width), null)
          .reshape(b.rows * (long) b.width, model.config().hiddenSize());
      return backward(gc, h, model.block().head(), at, chunkRows, loss);
    }
  }

  /**
   * The loss path on hidden states {@code h} [M, H] recorded by {@code gc} and the head {@code w}
   * [V, H]: the chunked loss over the rows {@code at} of h, back-propagated through {@code gc}.
   */
  public static double backward(GradientCollector gc, NDArray h, NDArray w, int[] at, int chunkRows,
      ChunkLoss loss) {
    int sliceRows = (int) Math.max(1, HEAD_SLICE_BYTES / (w.getShape().get(1) * Float.BYTES));
    return backward(gc, h, w, at, chunkRows, sliceRows, loss);
  }

  /** As above, with dW accumulated in slices of {@code sliceRows} vocabulary rows. */
  static double backward(GradientCollector gc, NDArray h, NDArray w, int[] at, int chunkRows, int sliceRows,
      ChunkLoss loss) {
    if (chunkRows < 1 || sliceRows < 1) {
      throw new IllegalArgumentException("chunk rows " + chunkRows + " < 1");
    }
    int vocab = (int) w.getShape().get(0);
    int hiddenSize = (int) w.getShape().get(1);
    NDManager nd = h.getManager();
    NDArray frozenW = w.stopGradient();
    NDArray frozenH = h.stopGradient();
    boolean headTrains = w.hasGradient();
    // dW accumulated in place a slice of the vocabulary at a time (through views of it), so that a
    // chunk's G^T h never needs a [V, H] temporary of its own
    NDArray dW = headTrains ? nd.zeros(w.getShape()) : null;
    float[] dh = new float[Math.toIntExact(h.size())];
    float[] logits = new float[Math.min(chunkRows, at.length) * vocab];
    float[] grad = new float[logits.length];
    // the gradient goes to PyTorch through one reused direct buffer (DJL copies a heap array
    // into a new direct buffer per call, which only the garbage collector frees)
    ByteBuffer staging = ByteBuffer.allocateDirect(grad.length * Float.BYTES).order(ByteOrder.nativeOrder());
    double value = 0;
    for (int from = 0; from < at.length; from += chunkRows) {
      int to = Math.min(at.length, from + chunkRows);
      int n = to - from;
      if (n * vocab != logits.length) { // the last, shorter chunk
        logits = new float[n * vocab];
        grad = new float[n * vocab];
      }
      try (NDScope chunk = new NDScope()) {
        long[] rows = new long[n];
        for (int i = 0; i < n; i++) {
          rows[i] = at[from + i];
        }
        NDArray hc = frozenH.get(nd.create(rows));
        hc.matMul(frozenW.transpose()).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(logits);
        value += loss.apply(from, to, logits, grad);
        for (float g : grad) {
          if (!Float.isFinite(g)) {
            throw new NonFiniteException("d loss / d logits holds " + g + " in rows " + from + ".." + to);
          }
        }
        staging.clear();
        staging.asFloatBuffer().put(grad);
        NDArray g = nd.create(staging.limit(grad.length * Float.BYTES), new Shape(n, vocab), DataType.FLOAT32);
        float[] dhc = g.matMul(frozenW).toFloatArray();
        for (int i = 0; i < n; i++) {
          System.arraycopy(dhc, i * hiddenSize, dh, at[from + i] * hiddenSize, hiddenSize);
        }
        for (int v = 0; headTrains && v < vocab; v += sliceRows) {
          NDIndex slice = new NDIndex("{}:{}", v, Math.min(vocab, v + sliceRows));
          try (NDArray gs = g.get(new NDIndex(":, {}:{}", v, Math.min(vocab, v + sliceRows)));
              NDArray part = gs.transpose().matMul(hc); // freed slice by slice, not at the chunk's end
              NDArray view = dW.get(slice)) {
            view.addi(part);
          }
        }
      }
    }
    if (!Double.isFinite(value)) {
      throw new NonFiniteException("loss is " + value);
    }
    NDArray surrogate = h.mul(nd.create(dh, h.getShape())).sum();
    if (headTrains) { // one dot product: its backward makes W's gradient and nothing else of [V, H]
      surrogate = surrogate.add(w.reshape(-1).dot(dW.reshape(-1)));
    }
    gc.backward(surrogate);
    return value;
  }
}
