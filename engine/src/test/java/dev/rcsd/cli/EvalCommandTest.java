package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.rl.TinyRuns;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  @TempDir Path tmp;

  @Test
  void greedyOrSampledEvaluationOfAProblemFile() {
    CliRun gen = CliRun.of("data", "generate", "--out", tmp.toString(), "--train", "20", "--test", "6");
    assertEquals(0, gen.code(), gen.err());
    String model = TinyRuns.init().toString();
    String test = tmp.resolve("test.jsonl").toString();

    CliRun greedy = CliRun.of("eval", "--model", model, "--data", test, "--max-new-tokens", "24");
    assertEquals(0, greedy.code(), greedy.err());
    assertTrue(greedy.out().startsWith("context student, 6 problems\n"), greedy.out());
    assertFalse(greedy.out().contains("pass@"), greedy.out());

    CliRun sampled = CliRun.of("eval", "--model", model, "--data", test, "--max-new-tokens", "24", "--samples", "3");
    assertEquals(0, sampled.code(), sampled.err());
    assertTrue(sampled.out().startsWith("context student, 6 problems, 3 samples each\n"), sampled.out());
    assertTrue(sampled.out().contains("pass@3 "), sampled.out());

    CliRun bad = CliRun.of("eval", "--model", model, "--data", test, "--samples", "2", "--top-p", "0");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("top_p"), bad.err());
  }
}
