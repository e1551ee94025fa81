package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.TinyRuns;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
  @TempDir Path tmp;

  @Test
  void aComparisonTrainsEveryMethodAndSeedFromOneModelAndReportsThem() throws Exception {
    Path cfg = tmp.resolve("tiny.json");
    // grpo's 2 x 2 and rcsd's 4 x 1: four rollouts per step each
    Files.writeString(cfg, TinyRuns.config("rcsd", 2, Map.of("eval_every", 1, "prompts_per_step", 4,
        "samples_per_prompt", 1)).replace("\"method\":\"rcsd\",", ""));
    Path out = tmp.resolve("cmp");
    CliRun r = CliRun.of("compare", "--methods", "grpo,rcsd", "--seeds", "2", "--config", cfg.toString(), "--out",
        out.toString());
    assertEquals(1, r.code(), "grpo needs groups: 4 x 1 is refused");
    assertTrue(r.err().contains("grpo needs samples_per_prompt >= 2"), r.err());
    Path twice = tmp.resolve("twice.json");
    Files.writeString(twice, "{\"samples_per_prompt\": 2}");
    r = CliRun.of("compare", "--methods", "grpo,rcsd", "--config", twice.toString(), "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unequal budgets: grpo samples 60 x 16 rollouts, rcsd 60 x 64"), r.err());
    assertTrue(Files.notExists(out), "nothing is trained or written");

    Files.writeString(cfg, TinyRuns.config("rcsd", 2, Map.of("eval_every", 1)).replace("\"method\":\"rcsd\",", ""));
    r = CliRun.of("compare", "--methods", "opsd,rcsd", "--seeds", "2", "--config", cfg.toString(), "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("| opsd | "), report);
    assertTrue(report.contains("| rcsd | "), report);
    assertTrue(report.contains("accuracy vs opsd"), report);
    assertTrue(report.contains("| rcsd | 2 | "), "every run is listed: " + report);
    BufferedImage png = ImageIO.read(out.resolve("accuracy.png").toFile());
    assertEquals(900, png.getWidth());
    for (String m : new String[] {"opsd", "rcsd"}) {
      for (int seed = 1; seed <= 2; seed++) {
        RunDir run = new RunDir(out.resolve("runs").resolve(m).resolve("seed-" + seed));
        assertTrue(Files.isRegularFile(run.eval()), run.root().toString());
        TrainerTestAccess.assertSameInitialModel(out.resolve("init.ckpt"), run.init());
      }
    }

    Path finished = new RunDir(out.resolve("runs/rcsd/seed-1")).checkpoint(2);
    FileTime before = Files.getLastModifiedTime(finished);
    r = CliRun.of("compare", "--methods", "opsd,rcsd", "--seeds", "2", "--config", cfg.toString(), "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(before, Files.getLastModifiedTime(finished), "finished runs are not trained again");

    // a variant is an arm of its own: its method and overrides on top of --config
    Path noClip = tmp.resolve("no-clip.json");
    Files.writeString(noClip, "{\"method\": \"rcsd\", \"loss\": {\"kl_clip\": 1e9}}");
    r = CliRun.of("compare", "--methods", "opsd,rcsd", "--variant", "rcsd=" + noClip, "--config", cfg.toString(),
        "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("variant name 'rcsd' must differ from the methods"), r.err());
    r = CliRun.of("compare", "--methods", "opsd,rcsd", "--variant", "rcsd-no-clip=" + noClip, "--seeds", "2",
        "--config", cfg.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(before, Files.getLastModifiedTime(finished));
    report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("| rcsd-no-clip | 2 | "), report);
    RunDir variant = new RunDir(out.resolve("runs/rcsd-no-clip/seed-2"));
    RunConfig c = RunConfig.fromJson(Files.readString(variant.config()));
    assertEquals("rcsd", c.method());
    assertEquals(1e9f, c.loss().klClip());
    assertEquals(2, c.steps(), "--config applies under the variant");
    assertEquals(2, c.seed());
    TrainerTestAccess.assertSameInitialModel(out.resolve("init.ckpt"), variant.init());
  }

  /** Helpers from the engine's tests. */
  static final class TrainerTestAccess {
    static void assertSameInitialModel(Path a, Path b) throws Exception {
      var x = TinyRuns.tensors(a);
      var y = TinyRuns.tensors(b);
      assertEquals(x, y, b + " is not the shared initial model");
    }
  }
}
