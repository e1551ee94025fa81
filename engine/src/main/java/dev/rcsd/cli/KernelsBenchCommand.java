package dev.rcsd.cli;

import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendProvider;
import dev.rcsd.kernels.KernelOutputs;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.SyntheticBatch;
import dev.rcsd.kernels.simd.StreamProbe;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A short benchmark: per batch shape, kernel and backend, the median time of a few calls and the
 * GB/s of the bytes the kernel must move, next to a streaming probe that moves the same bytes.
 * For numbers to publish use the JMH suites in {@code bench}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time each kernel on each backend; print GB/s and the share of a same-bytes streaming probe.")
final class KernelsBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend to time (repeatable; default: all available).")
  List<String> backends = new ArrayList<>();

  @Option(names = "--shape", paramLabel = "NxV", split = ",",
      description = "Rows x vocabulary (default: ${DEFAULT-VALUE}).", defaultValue = "64x151936,512x32000")
  List<String> shapes;

  @Option(names = "--contexts", paramLabel = "K", description = "Teacher contexts (default: ${DEFAULT-VALUE}).")
  int contexts = 1;

  @Option(names = "--kernel", paramLabel = "ID", split = ",",
      description = "Kernels: token_logprobs, jsd, topk, pg, grpo (default: all).")
  List<String> kernels = new ArrayList<>();

  @Option(names = "--reps", description = "Timed calls per measurement, at least (default: ${DEFAULT-VALUE}).")
  int reps = 5;

  @Option(names = "--warmup-ms", description = "Untimed calls first, for at least this long, so the JIT has "
      + "compiled the vector code (default: ${DEFAULT-VALUE}).")
  int warmupMs = 1500;

  @Option(names = "--measure-ms", description = "Timed calls for at least this long (default: ${DEFAULT-VALUE}).")
  int measureMs = 1000;

  @Mixin BackendChoice choice;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<String> names = backends.isEmpty() ? availableBackends() : backends;
    List<LossKernel> selected = kernels.isEmpty() ? List.of(LossKernel.values())
        : kernels.stream().map(LossKernel::byId).toList();
    int threads = choice.options().effectiveThreads();
    LossParams params = LossParams.DEFAULTS;
    List<KernelBackend> opened = new ArrayList<>();
    try (StreamProbe probe = new StreamProbe(threads)) {
      for (String name : names) {
        // the tornado backend keeps TornadoVM's profile of each call, printed under its time
        opened.add(Backends.open(name, choice.options().withProperty("tornado.profile", "true")));
      }
      for (String shape : shapes) {
        int[] nv = SyntheticBatch.parseShape(shape);
        out.printf("%nN=%d V=%d K=%d  (%d threads; GB/s of the bytes each kernel must move)%n", nv[0], nv[1],
            contexts, threads);
        out.printf("%-15s %-10s %10s %9s %9s%n", "kernel", "backend", "ms/call", "GB/s", "of probe");
        out.flush();
        LossBatch batch = SyntheticBatch.draw(42, SyntheticBatch.Spec.of(nv[0], nv[1], contexts).masked(0));
        KernelOutputs buffers = KernelOutputs.allocate(batch);
        for (LossKernel kernel : selected) {
          long bytes = kernel.compulsoryBytes(nv[0], nv[1], contexts);
          float[][] reads = reads(kernel, batch);
          float[] write = kernel.writesGradient() ? buffers.gradient(kernel) : null;
          double probeMs = medianMs(() -> probe.run(reads, write, nv[0], nv[1]));
          double probeGbs = bytes / probeMs / 1e6;
          out.printf("%-15s %-10s %10.2f %9.1f %8.0f%%%n", kernel.id(), "probe", probeMs, probeGbs, 100.0);
          for (KernelBackend b : opened) {
            double ms = medianMs(() -> buffers.run(kernel, b, batch, params));
            double gbs = bytes / ms / 1e6;
            out.printf("%-15s %-10s %10.2f %9.1f %8.0f%%%n", kernel.id(), b.name(), ms, gbs, 100 * gbs / probeGbs);
            b.lastProfile(kernel).ifPresent(p -> out.printf("%-15s %-10s %s%n", "", "", p));
            out.flush();
          }
        }
      }
    } finally {
      opened.forEach(KernelBackend::close);
    }
    return 0;
  }

  private static List<String> availableBackends() {
    return Backends.providers().stream().filter(p -> p.probe().available()).map(KernelBackendProvider::name).toList();
  }

  private static float[][] reads(LossKernel kernel, LossBatch b) {
    List<float[]> arrays = new ArrayList<>();
    if (kernel.arraysRead(b.contexts()) > (kernel == LossKernel.GRPO ? 0 : b.contexts())) {
      arrays.add(b.studentLogits());
    }
    if (kernel != LossKernel.GRPO) {
      arrays.addAll(Arrays.asList(b.teacherLogits()));
    }
    return arrays.toArray(float[][]::new);
  }

  /** The median time of one call, after a warm-up; calls repeat until both a count and a time are reached. */
  private double medianMs(Runnable call) {
    long warmupEnd = System.nanoTime() + warmupMs * 1_000_000L;
    do {
      call.run();
    } while (System.nanoTime() < warmupEnd);
    List<Double> ms = new ArrayList<>();
    long measureEnd = System.nanoTime() + measureMs * 1_000_000L;
    do {
      long start = System.nanoTime();
      call.run();
      ms.add((System.nanoTime() - start) / 1e6);
    } while (ms.size() < Math.max(1, reps) || System.nanoTime() < measureEnd);
    ms.sort(null);
    return ms.get(ms.size() / 2);
  }
}
