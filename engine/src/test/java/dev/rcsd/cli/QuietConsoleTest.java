package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.rcsd.engine.rl.TinyRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console of a training run holds the engine's own output only: no native library's warnings. */
class QuietConsoleTest {
  @TempDir Path tmp;

  @Test
  void aShortTrainingRunPrintsNoNativeWarning() throws Exception {
    Path cfg = tmp.resolve("run.json");
    Files.writeString(cfg, TinyRuns.config("rcsd", 2, Map.of("checkpoint_every", 1, "eval_every", 1,
        "lora", Map.of("rank", 2))));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path err = tmp.resolve("stderr.txt");
    Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-Xmx2g",
        "-cp", System.getProperty("java.class.path"), Rcsd.class.getName(),
        "train", "--config", cfg.toString(), "--out", tmp.resolve("run").toString())
        .redirectError(err.toFile()).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
    assertEquals(0, p.waitFor(), Files.readString(err));
    p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-Xmx2g",
        "-cp", System.getProperty("java.class.path"), Rcsd.class.getName(),
        "train", "--out", tmp.resolve("run").toString(), "--resume") // loads a checkpoint and its optimizer moments
        .redirectError(tmp.resolve("stderr2.txt").toFile()).redirectOutput(tmp.resolve("stdout2.txt").toFile()).start();
    assertEquals(0, p.waitFor());
    for (Path f : new Path[] {err, tmp.resolve("stderr2.txt")}) {
      String text = Files.readString(f);
      for (String line : text.split("\n")) {
        // the JVM's own notice of the incubator module is the only line allowed besides rcsd's
        if (line.isBlank() || line.startsWith("WARNING: Using incubator modules")) {
          continue;
        }
        assertFalse(line.startsWith("[W") || line.contains("Warning:") || line.contains("LegacyTypeDispatch"),
            "native warning on stderr: " + line);
      }
    }
  }
}
