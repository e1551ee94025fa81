package dev.rcsd.spark;

import dev.rcsd.engine.cluster.Cluster;
import dev.rcsd.engine.compare.Comparison;
import dev.rcsd.engine.rl.RolloutSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The engine's {@link Cluster} on Apache Spark: one SparkContext per command. Away from local
 * mode, executors get the driver's class path and JVM flags unless the settings give their own,
 * so rcsd must lie at the same path on every worker (or spark.executor.extraClassPath say where).
 */
final class SparkCluster implements Cluster {
  private final JavaSparkContext sc;

  SparkCluster(String master, Map<String, String> settings, String name) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName(name)
        .set("spark.ui.showConsoleProgress", "false");
    if (!master.startsWith("local")) {
      conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
      conf.set("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector -Dai.djl.offline=true");
    }
    settings.forEach(conf::set);
    sc = new JavaSparkContext(conf);
  }

  JavaSparkContext context() {
    return sc;
  }

  @Override
  public RolloutSource.Factory rollouts(String shared) {
    return (dir, c, producer) -> SparkRollouts.open(sc, shared, dir, c, producer);
  }

  @Override
  public Comparison.Runs comparisonRuns() {
    return (jobs, listener, options, producer) -> {
      if (jobs.isEmpty()) {
        return;
      }
      List<RunTask> tasks = new ArrayList<>();
      for (Comparison.Job job : jobs) {
        listener.run(job.arm(), job.config().seed(), job.index(), job.total());
        tasks.add(RunTask.of(job, options, producer));
      }
      try {
        sc.parallelize(tasks, tasks.size()).map(RunTask::run).collect();
      } catch (RuntimeException e) {
        throw new IOException("the comparison's runs on the cluster: " + SparkRollouts.cause(e), e);
      }
    };
  }

  @Override
  public void close() {
    sc.close();
  }

  /** Found by the engine through {@link java.util.ServiceLoader}. */
  public static final class Provider implements Cluster.Provider {
    @Override
    public Cluster connect(String master, Map<String, String> settings, String name) {
      return new SparkCluster(master, settings, name);
    }
  }
}
