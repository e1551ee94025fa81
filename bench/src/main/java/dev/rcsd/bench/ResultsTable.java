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
 * GB/s of the bytes the kernel must move, the share of the probe's GB/s and the speed-up over the
 * PyTorch path, each ratio taken between rows of the same run.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.rcsd.bench.ResultsTable fast.json slow.json</pre>
 *
 * Several files may be given (e.g. one run of the fast implementations with more iterations and
 * one of the slow ones with fewer); rows are matched across them.
 */
public final class ResultsTable {
  private ResultsTable() {}

  record Row(String kernelClass, String shape, int contexts, String impl, double ms, double error) {}

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
    for (Path json : jsonFiles) {
      read(new ObjectMapper().readTree(json.toFile()), rows);
    }
    return table(rows);
  }

  private static void read(JsonNode root, Map<String, Row> rows) {
    for (JsonNode r : root) {
      String benchmark = r.get("benchmark").asText();
      String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
      JsonNode p = r.get("params");
      JsonNode metric = r.get("primaryMetric");
      if (!"ms/op".equals(metric.get("scoreUnit").asText())) {
        throw new IllegalArgumentException(benchmark + ": expected ms/op, found " + metric.get("scoreUnit"));
      }
      Row row = new Row(cls, p.get("shape").asText(), p.get("contexts").asInt(), p.get("impl").asText(),
          metric.get("score").asDouble(), metric.get("scoreError").asDouble());
      rows.put(key(row.kernelClass, row.shape, row.contexts, row.impl), row);
    }
  }

  private static String table(Map<String, Row> rows) throws ReflectiveOperationException {
    StringBuilder out = new StringBuilder();
    out.append("| kernel | N x V | K | impl | ms/call | GB/s | of probe | vs PyTorch |\n");
    out.append("|---|---|---|---|---:|---:|---:|---:|\n");
    for (Row r : rows.values()) {
      LossKernel kernel = ((KernelBenchmark) Class.forName(r.kernelClass).getDeclaredConstructor().newInstance()).kernel();
      int[] nv = SyntheticBatch.parseShape(r.shape);
      double gbs = kernel.compulsoryBytes(nv[0], nv[1], r.contexts) / r.ms / 1e6;
      Row probe = rows.get(key(r.kernelClass, r.shape, r.contexts, "probe"));
      Row torch = rows.get(key(r.kernelClass, r.shape, r.contexts, "pytorch"));
      String ofProbe = probe == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * probe.ms / r.ms);
      String vsTorch = torch == null ? "" : String.format(Locale.ROOT, "%.2fx", torch.ms / r.ms);
      out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.2f ± %.2f | %.1f | %s | %s |%n", kernel.id(),
          r.shape.replace("x", " x "), r.contexts, r.impl, r.ms, r.error, gbs, ofProbe, vsTorch));
    }
    return out.toString();
  }

  private static String key(String cls, String shape, int contexts, String impl) {
    return cls + "|" + shape + "|" + contexts + "|" + impl;
  }
}
