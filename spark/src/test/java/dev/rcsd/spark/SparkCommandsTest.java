package dev.rcsd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.cli.Rcsd;
import dev.rcsd.engine.rl.TinyRuns;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line finds the Spark cluster through ServiceLoader when the module is on its class path. */
public class SparkCommandsTest {
  @TempDir Path tmp;

  @Test
  void trainSparkRunsTheStepsOnTheMastersExecutors() throws IOException {
    Path config = Files.writeString(tmp.resolve("c.json"), TinyRuns.config("grpo", 1, Map.of("shard_prompts", 1)));
    Path out = tmp.resolve("run");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Rcsd.run(new PrintWriter(o), new PrintWriter(e), "train", "--config", config.toString(), "--out",
        out.toString(), "--spark", "local[2]", "--spark-conf", "spark.ui.enabled=false", "--spark-dir",
        tmp.resolve("shared").toUri().toString());
    assertEquals(0, code, e.toString());
    assertTrue(o.toString().contains("grpo after 1 steps"), o.toString());
    assertTrue(Files.isRegularFile(out.resolve("checkpoints").resolve("step-1.ckpt")));
    assertTrue(Files.isRegularFile(tmp.resolve("shared").resolve("init.ckpt")), "--spark-dir is the shared folder");
  }
}
