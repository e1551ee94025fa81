package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.rl.MetricsLog;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.TinyRuns;
import dev.rcsd.engine.rl.TrainerTest;
import dev.rcsd.io.AtomicFile;
import dev.rcsd.io.checkpoint.CheckpointInspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per run folder, stops by signal, and full disks (issue: run-folder safety). */
class RunFolderSafetyTest {
  static final int STEPS = 6;
  @TempDir static Path shared;
  private static Path whole;
  @TempDir Path tmp;

  @AfterEach
  void diskBack() {
    AtomicFile.Faults.diskFullWhileWriting(null, 0);
  }

  static Path config() throws Exception {
    Path file = shared.resolve("run.json");
    Files.writeString(file, TinyRuns.config("grpo", STEPS, Map.of("checkpoint_every", 2, "eval_every", 0)));
    return file;
  }

  /** The uninterrupted run every other one must end equal to (trained once). */
  static synchronized Path whole(Path cfg) {
    if (whole == null) {
      whole = shared.resolve("whole");
      CliRun w = CliRun.of("train", "--config", cfg.toString(), "--out", whole.toString());
      assertEquals(0, w.code(), w.err());
    }
    return whole;
  }

  static Process train(Path cfg, Path out, Path log) throws Exception {
    return CliRun.process(log, null, "train", "--config", cfg.toString(), "--out", out.toString());
  }

  @Test
  void aSecondWriterIsRefusedAndTheFirstEndsAsAnUncontendedRun() throws Exception {
    Path cfg = config();
    Path whole = whole(cfg);
    Path run = tmp.resolve("run");
    // the first writer frozen while it holds the folder: the second ones cannot race its end
    RunMoment.Frozen frozen = new RunMoment().freeze(() -> train(cfg, run, tmp.resolve("first.log")), run, 1, STEPS - 1,
        0);
    Process first = frozen.process();
    for (List<String> second : List.of(List.of("train", "--out", run.toString(), "--resume"),
        List.of("train", "--config", cfg.toString(), "--out", run.toString()))) {
      CliRun r = CliRun.of(second.toArray(String[]::new));
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().contains(run + " is in use by process " + first.pid()), r.err());
    }
    frozen.signal("CONT");
    assertEquals(0, first.waitFor(), Files.readString(tmp.resolve("first.log")));
    TrainerTest.assertIdentical(new RunDir(whole).checkpoint(STEPS), new RunDir(run).checkpoint(STEPS));
    // the OS released the lock with the process: the folder is free again
    CliRun again = CliRun.of("train", "--out", run.toString(), "--resume");
    assertEquals(0, again.code(), again.err());
  }

  @Test
  void sigtermStopsAtTheNextStepWithACheckpointAndResumesBitForBit() throws Exception {
    Path cfg = config();
    Path whole = whole(cfg);
    Path run = tmp.resolve("run");
    Path log = tmp.resolve("stopped.log");
    RunMoment moment = new RunMoment();
    // somewhere inside steps 2-4, frozen there; the signal is delivered as it goes on
    RunMoment.Frozen f = moment.freeze(() -> train(cfg, run, log), run, 1 + moment.nextInt(3), STEPS - 2,
        moment.nextInt(300));
    f.process().destroy(); // SIGTERM
    f.signal("CONT");
    Process p = f.process();
    assertEquals(143, p.waitFor(), moment.describe() + ": " + Files.readString(log));
    String out = Files.readString(log);
    assertTrue(out.contains("SIGTERM: stopping after the step in progress"), out);
    assertTrue(out.contains("stopped on request after step"), out);
    RunDir dir = new RunDir(run);
    long last = MetricsLog.read(dir.metrics()).size();
    assertTrue(last == f.lines() || last == f.lines() + 1, moment.describe() + ": frozen at " + f.lines()
        + " steps logged, stopped at " + last + " (the step in progress, if any, ends)");
    assertEquals(last, dir.newestCompleteCheckpoint().orElseThrow(), "the last finished step is checkpointed");
    assertFalse(Files.exists(dir.eval()));

    CliRun r = CliRun.of("train", "--out", run.toString(), "--resume");
    assertEquals(0, r.code(), r.err());
    TrainerTest.assertIdentical(new RunDir(whole).checkpoint(STEPS), dir.checkpoint(STEPS));
    assertEquals(STEPS, MetricsLog.read(dir.metrics()).size());
  }

  @Test
  void aDiskFullMidCheckpointKeepsThePreviousOneAndNamesTheFile() throws Exception {
    Path cfg = config();
    Path whole = whole(cfg);
    Path run = tmp.resolve("run");
    RunDir dir = new RunDir(run);
    long checkpointBytes = Files.size(new RunDir(whole).checkpoint(4));
    AtomicFile.Faults.diskFullWhileWriting("step-4.ckpt", checkpointBytes / 2);
    CliRun r = CliRun.of("train", "--config", cfg.toString(), "--out", run.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains(dir.checkpoint(4) + ": out of disk space: writing it needed at least"), r.err());
    assertTrue(r.err().contains("bytes free"), r.err());
    assertFalse(Files.exists(dir.checkpoint(4)), "no partial file under the final name");
    CheckpointInspector.verify(dir.checkpoint(2));
    assertEquals(2, dir.newestCompleteCheckpoint().orElseThrow());
    try (Stream<Path> files = Files.list(dir.checkpoints())) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".partial")), "the temporary is removed");
    }
    for (var line : MetricsLog.read(dir.metrics())) {
      assertTrue(line.has("step"));
    }

    AtomicFile.Faults.diskFullWhileWriting(null, 0); // space freed: the run resumes and ends as if nothing happened
    r = CliRun.of("train", "--out", run.toString(), "--resume");
    assertEquals(0, r.code(), r.err());
    TrainerTest.assertIdentical(new RunDir(whole).checkpoint(STEPS), dir.checkpoint(STEPS));
  }
}
