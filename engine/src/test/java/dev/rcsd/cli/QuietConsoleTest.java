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
    Path err = tmp.resolve("stderr.txt");
    Process p = CliRun.process(tmp.resolve("stdout.txt"), err, "train", "--config", cfg.toString(), "--out",
        tmp.resolve("run").toString());
    assertEquals(0, p.waitFor(), Files.readString(err));
    // --resume loads a checkpoint and its optimizer moments
    p = CliRun.process(tmp.resolve("stdout2.txt"), tmp.resolve("stderr2.txt"), "train", "--out",
        tmp.resolve("run").toString(), "--resume");
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
