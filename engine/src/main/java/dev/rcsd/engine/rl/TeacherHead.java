package dev.rcsd.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.engine.model.PolicyModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The frozen head [V, H] of the teacher (the run's initial model), through which teachers'
 * stored hidden states become logits again in the update stage, and its identity: the SHA-256 of
 * its float32 weights, which the score stage writes into the batch header and the update stage
 * checks, so that hidden states are never read through another model's head.
 */
public final class TeacherHead {
  private final PolicyModel frozen;
  private String digest;

  private TeacherHead(PolicyModel frozen) {
    this.frozen = frozen;
  }

  /** The head of {@code frozen}, which must not change while this is in use. */
  public static TeacherHead of(PolicyModel frozen) {
    return new TeacherHead(frozen);
  }

  /** {@code sha256:} and the hex digest of the head's weights, little-endian (computed once). */
  public String digest() {
    if (digest == null) {
      try (NDScope scope = new NDScope()) {
        ByteBuffer bytes = frozen.block().head().toByteBuffer(true).order(ByteOrder.nativeOrder());
        float[] chunk = new float[1 << 16];
        ByteBuffer le = ByteBuffer.allocate(chunk.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        var floats = bytes.asFloatBuffer();
        while (floats.hasRemaining()) {
          int n = Math.min(chunk.length, floats.remaining());
          floats.get(chunk, 0, n);
          le.clear();
          le.asFloatBuffer().put(chunk, 0, n);
          sha.update(le.array(), 0, n * Float.BYTES);
        }
        digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return digest;
  }

  /** Throws unless a batch's {@code teacher_head} names this head. */
  public void check(String named, String batch) {
    if (!named.equals(digest())) {
      throw new IllegalArgumentException(batch + " holds teacher hidden states of the head " + named
          + ", but the frozen model given has the head " + digest() + ": give the run's initial model");
    }
  }

  /** The vocabulary size. */
  public int vocab() {
    return frozen.config().vocabSize();
  }

  /** The hidden size. */
  public int hiddenSize() {
    return frozen.config().hiddenSize();
  }

  /**
   * Logits of hidden states: {@code hidden} [rows, H] times the head's transpose, into
   * {@code out} [rows, V] from {@code offset}.
   */
  public void logits(float[] hidden, int rows, float[] out, int offset) {
    try (NDScope scope = new NDScope()) {
      NDArray h = frozen.manager().create(hidden, new Shape(rows, hiddenSize()));
      h.matMul(frozen.block().head().transpose()).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer()
          .get(out, offset, rows * vocab());
    }
  }
}
