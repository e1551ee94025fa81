package dev.rcsd.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelOutputs;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.SyntheticBatch;
import dev.rcsd.kernels.simd.StreamProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One kernel timed on every implementation, with its two baselines in the same run:
 *
 * <pre>
 *   impl = reference | simd | opencl | tornado   the kernel backend, one fused call (tornado:
 *                                    run with TornadoVM's JVM arguments, bench/RESULTS.md)
 *          probe                            stream the bytes the kernel must move (StreamProbe)
 *          pytorch                          the same loss as DJL/PyTorch ops, forward + backward
 * </pre>
 *
 * Ratios between rows of one run are the numbers to report; {@link ResultsTable} turns the JSON
 * of a run into GB/s and ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-Xmx14g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class KernelBenchmark {
  @Param({"512x151936", "4096x32000"})
  public String shape;

  @Param({"simd", "opencl", "tornado", "probe", "pytorch", "reference"})
  public String impl;

  @Param({"1"})
  public int contexts;

  protected final LossParams params = LossParams.DEFAULTS;
  private DoubleSupplier op; // a primitive result: nothing boxed per call, so -prof gc sees the kernel's own allocation
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** The kernel this class times. */
  protected abstract LossKernel kernel();

  /** The loss written with DJL/PyTorch ops; differentiate it when the kernel has a gradient. */
  protected abstract NDArray torchLoss(TorchInputs in);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int[] nv = SyntheticBatch.parseShape(shape);
    LossBatch batch = SyntheticBatch.draw(42, SyntheticBatch.Spec.of(nv[0], nv[1], contexts).masked(0));
    LossKernel kernel = kernel();
    switch (impl) {
      case "probe" -> {
        StreamProbe probe = new StreamProbe(BackendOptions.DEFAULTS.effectiveThreads());
        resources.add(probe);
        List<float[]> reads = new ArrayList<>();
        if (kernel.arraysRead(contexts) > (kernel == LossKernel.GRPO ? 0 : contexts)) {
          reads.add(batch.studentLogits());
        }
        if (kernel != LossKernel.GRPO) {
          reads.addAll(Arrays.asList(batch.teacherLogits()));
        }
        float[][] in = reads.toArray(float[][]::new);
        float[] out = kernel.writesGradient() ? new float[nv[0] * nv[1]] : null;
        op = () -> probe.run(in, out, nv[0], nv[1]);
      }
      case "pytorch" -> {
        NDManager manager = NDManager.newBaseManager();
        resources.add(manager);
        TorchInputs in = new TorchInputs(manager, batch);
        op = () -> torchStep(manager, in, kernel.writesGradient());
      }
      default -> {
        // device settings as ./rcsd reads them, when run from the repository root
        BackendOptions options = BackendOptions.DEFAULTS;
        for (String file : List.of("opencl.properties", "tornado.properties")) {
          Path config = Path.of("tornado-config", file);
          if (Files.isRegularFile(config)) {
            options = options.withFile(config);
          }
        }
        KernelBackend backend = Backends.open(impl, options);
        resources.add(backend);
        KernelOutputs outputs = KernelOutputs.allocate(batch);
        op = () -> outputs.run(kernel, backend, batch, params);
      }
    }
  }

  private double torchStep(NDManager manager, TorchInputs in, boolean backward) {
    try (NDManager scope = manager.newSubManager()) {
      scope.tempAttachAll(in.all());
      if (!backward) {
        return torchLoss(in).toFloatArray()[0];
      }
      try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
        NDArray loss = torchLoss(in);
        gc.backward(loss);
        return loss.getFloat();
      }
    }
  }

  @Benchmark
  public double run() {
    return op.getAsDouble();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    resources.clear();
  }
}
