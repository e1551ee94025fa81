package dev.rcsd.bench;

import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.kernels.Backends;
import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelOutputs;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.LossParams;
import dev.rcsd.kernels.SyntheticBatch;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Bytes allocated per kernel call by every thread of the JVM (the caller and the backend's
 * workers), after warm-up: JMH's {@code -prof gc} divides its own per-iteration allocation by the
 * few calls a 2-second iteration holds, so its figure for calls of 20-250 ms is a floor of a few
 * hundred bytes that is not the kernel's. This counts only the calls.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.rcsd.bench.AllocationCheck [BACKEND] [NxV]</pre>
 */
public final class AllocationCheck {
  private AllocationCheck() {}

  public static void main(String[] args) throws Exception {
    String backendName = args.length > 0 ? args[0] : "simd";
    int[] nv = SyntheticBatch.parseShape(args.length > 1 ? args[1] : "64x32000");
    LossBatch batch = SyntheticBatch.draw(42, SyntheticBatch.Spec.of(nv[0], nv[1], 1).masked(0));
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (KernelBackend backend = Backends.open(backendName, BackendOptions.DEFAULTS)) {
      KernelOutputs outputs = KernelOutputs.allocate(batch);
      for (LossKernel kernel : LossKernel.values()) {
        int calls = 200;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) { // the first rounds run before C2 has compiled the kernel
          long before = allocated(threads);
          for (int i = 0; i < calls; i++) {
            outputs.run(kernel, backend, batch, LossParams.DEFAULTS);
          }
          best = Math.min(best, (allocated(threads) - before) / (double) calls);
        }
        System.out.printf(Locale.ROOT, "%-15s %s %dx%d: %.1f bytes per call (all threads, best of 6 rounds of %d calls)%n",
            kernel.id(), backendName, nv[0], nv[1], best, calls);
      }
    }
  }

  private static long allocated(com.sun.management.ThreadMXBean threads) {
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      long bytes = threads.getThreadAllocatedBytes(id);
      sum += Math.max(0, bytes);
    }
    return sum;
  }
}
