package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.rl.MetricsLog;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.TinyRuns;
import dev.rcsd.engine.rl.TrainerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path tmp;

  Path config(String method, int steps, Map<String, Object> extra) throws IOException {
    Path file = tmp.resolve(method + "-" + steps + ".json");
    Files.writeString(file, TinyRuns.config(method, steps, extra));
    return file;
  }

  /** The contract of --resume: kill -9 at a random moment, resume, and the final tensors are the uninterrupted run's. */
  @Test
  void aRunKilledWithSigkillAndResumedEndsBitForBitAsTheUninterruptedRun() throws Exception {
    Path cfg = config("rcsd", 6, Map.of("checkpoint_every", 1, "eval_every", 0));
    Path whole = tmp.resolve("whole");
    CliRun w = CliRun.of("train", "--config", cfg.toString(), "--out", whole.toString());
    assertEquals(0, w.code(), w.err());

    Path cut = tmp.resolve("cut");
    RunMoment moment = new RunMoment();
    // somewhere inside steps 2-5, possibly inside a checkpoint write, frozen there and then killed
    RunMoment.Frozen frozen = moment.freeze(() -> CliRun.process(tmp.resolve("killed.log"), null, "train", "--config",
        cfg.toString(), "--out", cut.toString()), cut, 1 + moment.nextInt(4), 5, moment.nextInt(400));
    frozen.signal("KILL");
    frozen.process().waitFor();

    CliRun r = CliRun.of("train", "--out", cut.toString(), "--resume");
    assertEquals(0, r.code(), moment.describe() + ": " + r.err());
    TrainerTest.assertIdentical(new RunDir(whole).checkpoint(6), new RunDir(cut).checkpoint(6));
    assertEquals(6, MetricsLog.read(new RunDir(cut).metrics()).size());
    try (var files = Files.list(new RunDir(cut).checkpoints())) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".partial")), "temporaries are removed");
    }
  }

  /** rcsd stage sample | score | update, from files, gives the train loop's checkpoints bit for bit. */
  @Test
  void theStagesRunFromFilesGiveTheTrainLoopsCheckpoints() throws Exception {
    Path cfg = config("rcsd-criteria", 2, Map.of("checkpoint_every", 1, "eval_every", 0));
    Path run = tmp.resolve("run");
    assertEquals(0, CliRun.of("train", "--config", cfg.toString(), "--out", run.toString()).code());
    RunDir dir = new RunDir(run);

    Path policy = dir.init();
    for (int step = 0; step < 2; step++) {
      Path sampled = tmp.resolve("s" + step + ".rollouts");
      Path scored = tmp.resolve("c" + step + ".rollouts");
      Path next = tmp.resolve("p" + (step + 1) + ".ckpt");
      List<String> sample = step == 0
          ? List.of("stage", "sample", "--policy", policy.toString(), "--config", dir.config().toString(), "--out",
              sampled.toString())
          : List.of("stage", "sample", "--policy", policy.toString(), "--out", sampled.toString());
      CliRun s = CliRun.of(sample.toArray(String[]::new));
      assertEquals(0, s.code(), s.err());
      CliRun c = CliRun.of("stage", "score", "--in", sampled.toString(), "--init", dir.init().toString(), "--out",
          scored.toString());
      assertEquals(0, c.code(), c.err());
      CliRun u = CliRun.of("stage", "update", "--in", scored.toString(), "--policy", policy.toString(), "--out",
          next.toString());
      assertEquals(0, u.code(), u.err());
      assertTrue(u.out().contains("step " + (step + 1) + " of rcsd-criteria"), u.out());
      TrainerTest.assertIdentical(dir.checkpoint(step + 1), next);
      policy = next;
    }
    // rcsd-criteria keeps its teachers' hidden states: they go through the run's frozen head only
    Path stranger = tmp.resolve("stranger.ckpt");
    try (var init = dev.rcsd.engine.model.PolicyModel.load(dir.init());
        var m = dev.rcsd.engine.model.PolicyModel.random(init.config(), 99)) {
      m.save(stranger, "test");
    }
    CliRun wrong = CliRun.of("stage", "update", "--in", tmp.resolve("c0.rollouts").toString(), "--policy",
        dir.init().toString(), "--init", stranger.toString(), "--out", tmp.resolve("w.ckpt").toString());
    assertEquals(1, wrong.code(), wrong.err());
    assertTrue(wrong.err().contains("teacher hidden states of the head sha256:"), wrong.err());
    assertTrue(Files.notExists(tmp.resolve("w.ckpt")), "nothing written");
  }

  @Test
  void stagesRefuseFilesOfTheWrongStageAndMismatchedSteps() throws Exception {
    Path cfg = config("rcsd", 1, Map.of("eval_every", 0));
    Path sampled = tmp.resolve("s.rollouts");
    assertEquals(0, CliRun.of("stage", "sample", "--policy", TinyRuns.init().toString(), "--config", cfg.toString(),
        "--out", sampled.toString()).code());
    CliRun u = CliRun.of("stage", "update", "--in", sampled.toString(), "--policy", TinyRuns.init().toString(), "--out",
        tmp.resolve("x.ckpt").toString());
    assertEquals(1, u.code());
    assertTrue(u.err().contains("written by the 'sample' stage, expected 'score'"), u.err());
    assertTrue(u.err().contains(sampled.toString()), "names the file: " + u.err());
    assertTrue(Files.notExists(tmp.resolve("x.ckpt")), "nothing half-written");
  }

  @Test
  void badConfigurationsNameTheFieldAndWriteNothing() throws Exception {
    Path cfg = tmp.resolve("bad.json");
    Files.writeString(cfg, "{\"method\": \"rcsd\", \"sampling\": {\"temprature\": 2}}");
    Path out = tmp.resolve("never");
    CliRun r = CliRun.of("train", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unknown configuration field 'sampling.temprature'"), r.err());
    assertTrue(r.err().contains(cfg.toString()), r.err());
    assertTrue(Files.notExists(out));

    r = CliRun.of("train", "--method", "ppo", "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("method 'ppo' is not one of [grpo, opsd, rcsd, rcsd-criteria]"), r.err());
    r = CliRun.of("train", "--out", out.toString(), "--resume", "--steps", "3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--resume takes the run's own config.json"), r.err());
    assertTrue(Files.notExists(out));
  }

  @Test
  void sparkWithoutTheSparkModuleSaysWhatIsMissingAndWritesNothing() {
    Path out = tmp.resolve("never");
    CliRun r = CliRun.of("train", "--method", "grpo", "--out", out.toString(), "--spark", "local[2]");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--spark needs the rcsd-spark module on the class path"), r.err());
    assertTrue(Files.notExists(out));
    r = CliRun.of("train", "--method", "grpo", "--out", out.toString(), "--spark-dir", "hdfs://nn/x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--spark-dir needs --spark"), r.err());
    r = CliRun.of("compare", "--out", out.toString(), "--spark-conf", "spark.executor.memory=2g");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--spark-conf needs --spark"), r.err());
    assertTrue(Files.notExists(out));
  }
}
