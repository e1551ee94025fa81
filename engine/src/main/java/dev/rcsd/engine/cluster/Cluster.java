package dev.rcsd.engine.cluster;

import dev.rcsd.engine.compare.Comparison;
import dev.rcsd.engine.rl.RolloutSource;
import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A cluster that runs a training step's rollout shards and a comparison's runs as tasks. The
 * engine knows only this interface; the rcsd-spark module provides it (through
 * {@link ServiceLoader}), and {@code ./rcsd} puts that module on the class path only for commands
 * given {@code --spark}.
 */
public interface Cluster extends AutoCloseable {
  /**
   * The source of training steps' rollouts on this cluster; {@code shared} is the folder (a
   * Hadoop file system URI or a local path) the driver and the executors exchange checkpoints
   * and shards through, or null for the run's own {@code spark/} folder.
   */
  RolloutSource.Factory rollouts(String shared);

  /** Runs a comparison's runs as tasks, each in its own folder under the comparison's. */
  Comparison.Runs comparisonRuns();

  @Override
  void close();

  /** Makes clusters; found by {@link ServiceLoader}. */
  interface Provider {
    /**
     * Connects to {@code master} (e.g. {@code local[2]}, {@code spark://host:7077}) with extra
     * cluster settings; {@code name} names the application.
     */
    Cluster connect(String master, Map<String, String> settings, String name) throws IOException;
  }

  /** The provider on the class path, connected to {@code master}. */
  static Cluster connect(String master, Map<String, String> settings, String name) throws IOException {
    for (Provider p : ServiceLoader.load(Provider.class)) {
      return p.connect(master, settings, name);
    }
    throw new IllegalStateException("--spark needs the rcsd-spark module on the class path; ./rcsd adds it when a"
        + " command is given --spark (elsewhere: spark/target/rcsd-spark.jar and spark/target/classpath.txt)");
  }
}
