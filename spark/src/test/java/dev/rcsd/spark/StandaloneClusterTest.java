package dev.rcsd.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.TinyRuns;
import dev.rcsd.engine.rl.Trainer;
import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster on loopback: a Spark standalone master and one worker, started from the Spark jars
 * on the class path as their own processes, whose executors are JVMs of their own. Two training
 * steps run through it, the first losing its executor halfway through writing a shard; the run
 * ends with the checkpoint of the run in one process.
 */
public class StandaloneClusterTest {
  @TempDir static Path tmp;
  static final List<Process> DAEMONS = new ArrayList<>();
  static String master;
  static Path workDir;

  @BeforeAll
  static void startCluster() throws IOException, InterruptedException {
    // the worker launches executors with SPARK_HOME/jars/* on their class path: here an empty
    // folder, the executors getting the test's class path through spark.executor.extraClassPath
    Path home = Files.createDirectories(tmp.resolve("spark-home").resolve("jars")).getParent();
    workDir = Files.createDirectories(tmp.resolve("work"));
    int port = freePort();
    int ui = freePort();
    master = "spark://127.0.0.1:" + port;
    start(home, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--webui-port", String.valueOf(ui));
    start(home, "worker", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2",
        "--memory", "3g", "--webui-port", String.valueOf(freePort()), "--work-dir", workDir.toString(), master);
    awaitWorker(ui, 120);
  }

  @AfterAll
  static void stopCluster() {
    for (Process p : DAEMONS) {
      p.descendants().forEach(ProcessHandle::destroyForcibly); // the executors
      p.destroyForcibly();
    }
  }

  @Test
  void twoStepsOnAStandaloneClusterWithAKilledExecutorEqualTheRunInOneProcess() throws IOException {
    RunConfig c = TinyRuns.resolve("grpo", 2, Map.of("shard_prompts", 1));
    Path alone = tmp.resolve("alone").resolve("run");
    TinyRuns.trainer(alone).start(c);

    Path spread = tmp.resolve("spread").resolve("run");
    Map<String, String> settings = Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false",
        "spark.executor.memory", "2g",
        SparkRollouts.KILL_ONCE, "1:0");
    try (SparkCluster cluster = new SparkCluster(master, settings, "rcsd standalone test")) {
      new Trainer(spread, new Trainer.Listener() {}, BackendOptions.DEFAULTS, "rcsd tests", cluster.rollouts(null))
          .start(c);
    }

    RunDir a = new RunDir(alone);
    RunDir b = new RunDir(spread);
    assertEquals(TinyRuns.tensors(a.checkpoint(2)), TinyRuns.tensors(b.checkpoint(2)));
    assertArrayEquals(Files.readAllBytes(a.rollouts(2, "score")), Files.readAllBytes(b.rollouts(2, "score")));
    // the worker launched a second executor after the first halted (exit code 137)
    List<Path> executors;
    try (Stream<Path> apps = Files.list(workDir)) {
      Path app = apps.filter(Files::isDirectory).findFirst().orElseThrow();
      try (Stream<Path> e = Files.list(app)) {
        executors = e.filter(Files::isDirectory).toList();
      }
    }
    assertTrue(executors.size() >= 2, "executors launched: " + executors);
  }

  private static void start(Path home, String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "@" + Path.of("jvm.args").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
        mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    // the launcher otherwise looks for a Spark source build to learn the Scala version
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    DAEMONS.add(pb.start());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Waits until the master's status page (/json) counts one alive worker. */
  private static void awaitWorker(int ui, int seconds) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newHttpClient();
    String status = "";
    for (int i = 0; i < seconds * 2; i++) {
      try {
        status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        if (status.replace(" ", "").contains("\"aliveworkers\":1")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IOException("no worker registered with the master within " + seconds + " s: " + status + "\n"
        + Files.readString(tmp.resolve("master.log")) + Files.readString(tmp.resolve("worker.log")));
  }
}
