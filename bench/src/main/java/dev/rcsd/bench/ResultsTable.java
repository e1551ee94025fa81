package dev.rcsd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcsd.kernels.LossKernel;
import dev.rcsd.kernels.SyntheticBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JSON of a {@link KernelBenchmark} run ({@code -rf json}) into a markdown table: time,
 * GB/s of the bytes the kernel must move, the share of the probe's GB/s, the speed-up over the
 * PyTorch path (each ratio taken between rows of the same JDK) and, from {@code -prof gc}, the
 * bytes allocated per call. Runs on several JDKs give one group of columns per JDK.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.rcsd.bench.ResultsTable fast.json slow.json</pre>
 *
 * Several files may be given (e.g. one run of the fast implementations with more iterations and
 * one of the slow ones with fewer); rows are matched across them.
 */
public final class ResultsTable {
  private ResultsTable() {}

  record Row(String kernelClass, String shape, int contexts, String impl, String jdk, double ms, double error,
      double bytesPerCall) {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: ResultsTable JMH_RESULT.json [MORE.json ...]");
      System.exit(2);
    }
    Path[] files = new Path[args.length];
    for (int i = 0; i < args.length; i++) {
      files[i] = Path.of(args[i]);
    }
    System.out.print(render(files));
  }

  static String render(Path... jsonFiles) throws IOException, ReflectiveOperationException {
    Map<String, Row> rows = new java.util.TreeMap<>();
    java.util.SortedSet<String> jdks = new java.util.TreeSet<>(java.util.Comparator.comparingInt(Integer::parseInt));
    for (Path json : jsonFiles) {
      read(new ObjectMapper().readTree(json.toFile()), rows, jdks);
    }
    return table(rows, jdks);
  }

  private static void read(JsonNode root, Map<String, Row> rows, java.util.Set<String> jdks) {
    for (JsonNode r : root) {
      String benchmark = r.get("benchmark").asText();
      String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
      JsonNode p = r.get("params");
      JsonNode metric = r.get("primaryMetric");
      if (!"ms/op".equals(metric.get("scoreUnit").asText())) {
        throw new IllegalArgumentException(benchmark + ": expected ms/op, found " + metric.get("scoreUnit"));
      }
      String version = r.path("jdkVersion").asText("0");
      String jdk = version.split("[.+-]")[0];
      JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
      Row row = new Row(cls, p.get("shape").asText(), p.get("contexts").asInt(), p.get("impl").asText(), jdk,
          metric.get("score").asDouble(), metric.get("scoreError").asDouble(),
          alloc.isNumber() ? alloc.asDouble() : Double.NaN);
      jdks.add(jdk);
      rows.put(key(row.kernelClass, row.shape, row.contexts, row.impl, jdk), row);
    }
  }

  /**
   * One line per (kernel, shape, K, impl), one group of columns per JDK: ms per call, GB/s, share
   * of the probe and speed-up over PyTorch of the same JDK, and the bytes allocated per call when
   * the run had {@code -prof gc}.
   */
  private static String table(Map<String, Row> rows, java.util.SortedSet<String> jdks)
      throws ReflectiveOperationException {
    StringBuilder out = new StringBuilder("| kernel | N x V | K | impl |");
    StringBuilder rule = new StringBuilder("|---|---|---|---|");
    for (String jdk : jdks) {
      String j = jdks.size() > 1 ? " (JDK " + jdk + ")" : "";
      out.append(" ms/call").append(j).append(" | GB/s | of probe | vs PyTorch | B/call |");
      rule.append("---:|---:|---:|---:|---:|");
    }
    out.append('\n').append(rule).append('\n');
    java.util.Set<String> lines = new java.util.LinkedHashSet<>();
    for (Row r : rows.values()) {
      lines.add(key(r.kernelClass, r.shape, r.contexts, r.impl, ""));
    }
    for (String line : lines) {
      Row any = null;
      for (String jdk : jdks) {
        any = any != null ? any : rows.get(line + jdk);
      }
      LossKernel kernel = ((KernelBenchmark) Class.forName(any.kernelClass).getDeclaredConstructor().newInstance()).kernel();
      int[] nv = SyntheticBatch.parseShape(any.shape);
      out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s |", kernel.id(), any.shape.replace("x", " x "),
          any.contexts, any.impl));
      for (String jdk : jdks) {
        Row r = rows.get(line + jdk);
        if (r == null) {
          out.append("  |  |  |  |  |");
          continue;
        }
        double gbs = kernel.compulsoryBytes(nv[0], nv[1], r.contexts) / r.ms / 1e6;
        Row probe = rows.get(key(r.kernelClass, r.shape, r.contexts, "probe", jdk));
        Row torch = rows.get(key(r.kernelClass, r.shape, r.contexts, "pytorch", jdk));
        String ofProbe = probe == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * probe.ms / r.ms);
        String vsTorch = torch == null ? "" : String.format(Locale.ROOT, "%.2fx", torch.ms / r.ms);
        String alloc = Double.isNaN(r.bytesPerCall) ? "" : String.format(Locale.ROOT, "%.0f", r.bytesPerCall);
        out.append(String.format(Locale.ROOT, " %.2f ± %.2f | %.1f | %s | %s | %s |", r.ms, r.error, gbs, ofProbe,
            vsTorch, alloc));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String key(String cls, String shape, int contexts, String impl, String jdk) {
    return cls + "|" + shape + "|" + contexts + "|" + impl + "|" + jdk;
  }
}
