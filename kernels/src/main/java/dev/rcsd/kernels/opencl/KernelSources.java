package dev.rcsd.kernels.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The OpenCL C source of the kernel library (resources dev/rcsd/kernels/opencl/) of the JOCL backend. */
public final class KernelSources {
  /** The library's files, helpers first. */
  public static final List<String> LIBRARY = List.of("common.cl", "token_logprobs.cl", "generalized_jsd.cl",
      "topk_distillation.cl", "rubric_advantage.cl", "grpo_loss.cl");

  private KernelSources() {}

  /** The library; build it with {@code -D WG=<work-group size>}. */
  public static String library() {
    return concat(LIBRARY);
  }

  private static String concat(List<String> files) {
    StringBuilder all = new StringBuilder();
    for (String name : files) {
      try (InputStream in = KernelSources.class.getResourceAsStream("/dev/rcsd/kernels/opencl/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing kernel source " + name);
        }
        all.append("// ---- ").append(name).append('\n').append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all.toString();
  }
}
