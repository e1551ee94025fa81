package dev.rcsd.kernels.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The OpenCL C source of the kernel library (resources dev/rcsd/kernels/opencl/), for this
 * package's JOCL backend and for the TornadoVM backend, which runs the same row functions as
 * prebuilt tasks through the entry points of tornado_entry.cl.
 */
public final class KernelSources {
  /** The library's files, helpers first. */
  public static final List<String> LIBRARY = List.of("common.cl", "token_logprobs.cl", "generalized_jsd.cl",
      "topk_distillation.cl", "rubric_advantage.cl", "grpo_loss.cl");
  public static final String TORNADO_ENTRY = "tornado_entry.cl";

  private KernelSources() {}

  /** The library; build it with {@code -D WG=<work-group size>}. */
  public static String library() {
    return concat(LIBRARY);
  }

  /**
   * The library and the TornadoVM entry points as one self-contained file (TornadoVM compiles a
   * prebuilt task's file as it is, so the defines are written into it).
   *
   * @param headerBytes the size of a TornadoVM native array's header
   */
  public static String withTornadoEntries(int workGroup, long headerBytes) {
    return "#define WG " + workGroup + "\n#define TORNADO_HEADER " + headerBytes + "\n" + library()
        + concat(List.of(TORNADO_ENTRY));
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
