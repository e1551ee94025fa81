package dev.rcsd.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One update's loss path at a given shape, timed and its memory measured: hidden states h [N, H]
 * and a head W [V, H] (random, both with gradients, as the policy's), GRPO's loss on the logits
 * h W^T, and back-propagation into h and W. Either every row's logits at once ({@code full-logits}:
 * [N, V] in PyTorch, copied to Java with its gradient, as the update did before chunking) or
 * {@code chunked} ({@link FusedLinearLoss}). Memory is the process's resident set from
 * /proc/self/status: its peak during the passes (VmHWM, reset first through /proc/self/clear_refs)
 * minus what it held before them (VmRSS, with h and W allocated and the kernels warmed up on a few
 * rows).
 */
public final class LossPathBench {
  public static final String FULL = "full-logits";
  public static final String CHUNKED = "chunked";

  /** The measurement. */
  public record Result(String path, int rows, int hidden, int vocab, int chunkRows, List<Double> seconds,
      long rssBeforeKb, long peakKb, double loss) {
    public double medianSeconds() {
      double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return s[s.length / 2];
    }

    /** What the passes added to the resident set at their peak, in MiB. */
    public double lossPathMiB() {
      return (peakKb - rssBeforeKb) / 1024.0;
    }
  }

  private LossPathBench() {}

  public static Result run(String path, int rows, int hidden, int vocab, int chunkRows, int reps,
      KernelBackend kernels) throws IOException {
    if (!path.equals(FULL) && !path.equals(CHUNKED)) {
      throw new IllegalArgumentException("path '" + path + "' is not " + FULL + " or " + CHUNKED);
    }
    SplittableRandom rnd = new SplittableRandom(7);
    int[] tokens = new int[rows];
    float[] old = new float[rows];
    float[] adv = new float[rows];
    float[] ones = new float[rows];
    for (int n = 0; n < rows; n++) {
      tokens[n] = rnd.nextInt(vocab);
      old[n] = (float) -Math.log(vocab);
      adv[n] = rnd.nextBoolean() ? 1f : -1f;
      ones[n] = 1f;
    }
    LossParams params = LossParams.DEFAULTS.withTemperature(1f);
    FusedLinearLoss.ChunkLoss grpo = (from, to, logits, grad) -> {
      LossBatch b = LossBatch.builder(to - from, vocab).block(from, rows, rows).studentLogits(logits)
          .tokens(Arrays.copyOfRange(tokens, from, to)).mask(Arrays.copyOfRange(ones, from, to))
          .oldLogprobs(Arrays.copyOfRange(old, from, to)).refLogprobs(Arrays.copyOfRange(old, from, to))
          .seqAdvantages(Arrays.copyOfRange(adv, from, to)).build();
      return kernels.grpoLoss().computeBlock(b, params, null, grad);
    };
    int[] at = new int[rows];
    Arrays.setAll(at, i -> i);
    Engine.getInstance().setRandomSeed(7);
    try (NDManager nd = NDManager.newBaseManager()) {
      NDArray h = nd.randomNormal(0f, 1f, new Shape(rows, hidden), DataType.FLOAT32);
      NDArray w = nd.randomNormal(0f, 0.02f, new Shape(vocab, hidden), DataType.FLOAT32);
      h.setRequiresGradient(true);
      w.setRequiresGradient(true);
      // a small pass first: the JIT's compilation of the kernels and the thread pools are not the loss path's
      // (without gradients: W's gradient is made by the passes and counts as theirs)
      int few = Math.min(rows, 8);
      try (NDScope scope = new NDScope()) {
        float[] logits = h.stopGradient().get(new NDIndex("0:{}", few)).matMul(w.stopGradient().transpose())
            .toFloatArray();
        grpo.apply(0, few, logits, new float[logits.length]);
      }
      System.gc();
      long before = status("VmRSS");
      resetPeak();
      List<Double> seconds = new ArrayList<>();
      double loss = 0;
      for (int r = 0; r < reps; r++) {
        long start = System.nanoTime();
        try (NDScope scope = new NDScope(); GradientCollector gc = Autograd.collector()) {
          loss = path.equals(CHUNKED) ? FusedLinearLoss.backward(gc, h, w, at, chunkRows, grpo) : full(gc, h, w, grpo);
        }
        seconds.add((System.nanoTime() - start) / 1e9);
      }
      return new Result(path, rows, hidden, vocab, chunkRows, seconds, before, status("VmHWM"), loss);
    }
  }

  /**
   * Every row's logits with autograd, the loss on all of them in Java, the surrogate's backward.
   * The [N, V] copies go a block of rows at a time (a Java buffer holds at most 2 GiB), into and
   * out of whole [N, V] arrays as the update before chunking held them.
   */
  private static double full(GradientCollector gc, NDArray h, NDArray w, FusedLinearLoss.ChunkLoss loss) {
    NDManager nd = h.getManager();
    int rows = (int) h.getShape().get(0);
    int vocab = (int) w.getShape().get(0);
    NDArray logits = h.matMul(w.transpose());
    float[] host = new float[Math.multiplyExact(rows, vocab)];
    float[] grad = new float[host.length];
    int block = Math.max(1, (1 << 28) / vocab); // 1 GiB of floats
    for (int r = 0; r < rows; r += block) {
      int end = Math.min(rows, r + block);
      try (NDArray part = logits.get(new NDIndex("{}:{}", r, end))) {
        part.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer().get(host, r * vocab, (end - r) * vocab);
      }
    }
    double value = loss.apply(0, rows, host, grad);
    NDArray g = nd.zeros(logits.getShape());
    for (int r = 0; r < rows; r += block) {
      int end = Math.min(rows, r + block);
      try (NDArray part = nd.create(java.nio.FloatBuffer.wrap(grad, r * vocab, (end - r) * vocab),
          new Shape(end - r, vocab))) {
        g.set(new NDIndex("{}:{}", r, end), part);
      }
    }
    gc.backward(logits.mul(g).sum());
    return value;
  }

  /** A field of /proc/self/status in KiB (-1 where the file does not exist). */
  public static long status(String field) throws IOException {
    Path p = Path.of("/proc/self/status");
    if (!Files.exists(p)) {
      return -1;
    }
    for (String line : Files.readAllLines(p)) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    return -1;
  }

  /** Resets VmHWM to the current resident set (Linux: "5" into /proc/self/clear_refs). */
  static void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException e) {
      // not Linux: the peak then counts from the process start
    }
  }
}
