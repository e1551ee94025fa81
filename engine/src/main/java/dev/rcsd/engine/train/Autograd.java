package dev.rcsd.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gradient collectors for the whole process. DJL's PyTorch engine allows one collecting
 * {@link GradientCollector} per JVM; when several runs share a process (a comparison's runs as
 * tasks of one Spark executor), each waits here for its turn instead of failing. A run alone in
 * its process never waits.
 */
public final class Autograd {
  private static final ReentrantLock TURN = new ReentrantLock(true);

  private Autograd() {}

  /**
   * Turns PyTorch's gradient recording off on the calling thread, as DJL turns it off on the thread
   * that loads the engine: a thread of its own (a Spark task's) that loads or runs models calls this
   * first, or loading weights into parameters fails and every forward pass records a graph.
   * Collectors turn recording on for their time and back off when closed.
   */
  public static void offOnThisThread() {
    Engine.getInstance(); // loads the engine (and its native library) if no one has yet
    JniUtils.setGradMode(false);
  }

  /** A new collector, once no other thread holds one; closing it lets the next thread's begin. */
  public static GradientCollector collector() {
    TURN.lock();
    try {
      return new Turn(Engine.getInstance().newGradientCollector());
    } catch (RuntimeException | Error e) {
      TURN.unlock();
      throw e;
    }
  }

  private static final class Turn implements GradientCollector {
    private final GradientCollector inner;
    private boolean closed;

    Turn(GradientCollector inner) {
      this.inner = inner;
    }

    @Override
    public void backward(NDArray target) {
      inner.backward(target);
    }

    @Override
    public void zeroGradients() {
      inner.zeroGradients();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        inner.close();
      } finally {
        TURN.unlock();
      }
    }
  }
}
