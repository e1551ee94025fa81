package dev.rcsd.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chunked loss path on bare hidden states and a head: gradients of h and W equal those of
 * autograd through the whole logits, for chunk and head-slice sizes that do and do not divide N
 * and V, and with a frozen head.
 */
class FusedLinearLossTest {
  static final int M = 11;
  static final int H = 6;
  static final int V = 29;
  static final int[] AT = {0, 2, 3, 4, 7, 8, 10}; // the loss rows among h's M

  /** Cross-entropy of target (n * 5) % V at each loss row, summed: d/dlogits = softmax - onehot. */
  static double crossEntropy(int from, int to, float[] logits, float[] grad) {
    double loss = 0;
    for (int n = from; n < to; n++) {
      int base = (n - from) * V;
      double lse = dev.rcsd.engine.LogSoftmax.logSumExp(logits, base, V);
      int target = (n * 5) % V;
      loss += lse - logits[base + target];
      for (int v = 0; v < V; v++) {
        grad[base + v] = (float) (Math.exp(logits[base + v] - lse) - (v == target ? 1 : 0));
      }
    }
    return loss;
  }

  @ParameterizedTest(name = "chunk {0}, slice {1}, head trains {2}")
  @CsvSource({"1, 29, true", "3, 7, true", "7, 1, true", "100, 10, true", "3, 7, false"})
  void equalsAutogradThroughTheWholeLogits(int chunkRows, int sliceRows, boolean headTrains) {
    try (NDManager nd = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      NDArray h0 = nd.randomNormal(0f, 1f, new Shape(M, H), DataType.FLOAT32);
      NDArray w0 = nd.randomNormal(0f, 1f, new Shape(V, H), DataType.FLOAT32);
      // autograd through logits = h W^T of the loss rows, with the same loss as a surrogate
      NDArray h = h0.duplicate();
      NDArray w = w0.duplicate();
      h.setRequiresGradient(true);
      w.setRequiresGradient(headTrains);
      double want;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        long[] rows = java.util.Arrays.stream(AT).asLongStream().toArray();
        NDArray logits = h.get(nd.create(rows)).matMul(w.transpose());
        float[] g = new float[AT.length * V];
        want = crossEntropy(0, AT.length, logits.toFloatArray(), g);
        gc.backward(logits.mul(nd.create(g, logits.getShape())).sum());
      }
      float[] wantH = h.getGradient().toFloatArray();
      float[] wantW = headTrains ? w.getGradient().toFloatArray() : null;

      NDArray h2 = h0.duplicate();
      NDArray w2 = w0.duplicate();
      h2.setRequiresGradient(true);
      w2.setRequiresGradient(headTrains);
      double got;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        got = FusedLinearLoss.backward(gc, h2.mul(1f), w2, AT, chunkRows, sliceRows, FusedLinearLossTest::crossEntropy);
      }
      assertEquals(want, got, 1e-5 * Math.abs(want));
      assertClose(wantH, h2.getGradient().toFloatArray());
      if (headTrains) {
        assertClose(wantW, w2.getGradient().toFloatArray());
      }
    }
  }

  static void assertClose(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5 + 1e-5 * Math.abs(want[i]), "element " + i);
    }
  }
}
