package dev.rcsd.cli;

import dev.rcsd.engine.cluster.Cluster;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that send a command's work to a Spark cluster, shared by train and compare. */
final class SparkChoice {
  @Option(names = "--spark", paramLabel = "MASTER", description = "Run the work as Apache Spark tasks on MASTER:"
      + " local[N] or spark://HOST:PORT (./rcsd then adds the spark module to the class path).")
  String master;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting, e.g."
      + " spark.executor.memory=8g (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The cluster, or null without --spark. */
  Cluster connect(String name) throws IOException {
    if (master == null) {
      if (!settings.isEmpty()) {
        throw new IllegalArgumentException("--spark-conf needs --spark");
      }
      return null;
    }
    return Cluster.connect(master, settings, name);
  }
}
