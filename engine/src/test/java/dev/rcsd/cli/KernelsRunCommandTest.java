package dev.rcsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code rcsd kernels run} against golden tensors computed by an independent numpy implementation
 * (src/test/resources/golden/make_golden.py: float64, gradients by finite differences), and its
 * refusal of bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelsRunCommandTest {
  @TempDir Path dir;
  private NDManager manager;

  @BeforeAll
  void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  void close() {
    manager.close();
  }

  private static Path fixture(String name) {
    return Path.of("src/test/resources/golden", name);
  }

  private Map<String, NDArray> load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Map<String, NDArray> byName = new HashMap<>();
      for (NDArray a : NDList.decode(manager, in)) {
        byName.put(a.getName(), a);
      }
      return byName;
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"mixture, reference", "mixture, simd", "forward, reference", "forward, simd"})
  void matchesTheNumpyImplementation(String name, String backend) throws IOException {
    Path out = dir.resolve("out-" + backend);
    CliRun run = CliRun.of("kernels", "run", "--backend", backend, "--out-dir", out.toString(),
        fixture(name + ".npz").toString());
    assertEquals(0, run.code(), run.err());
    CliRun check = CliRun.of("kernels", "compare", fixture(name + ".expected.npz").toString(),
        out.resolve(name + ".npz").toString());
    assertEquals(0, check.code(), name + " on " + backend + ":\n" + check.out() + check.err());
  }

  @Test
  void compareNamesTheArraysThatDiffer() throws IOException {
    Path changed = variant("mixture.expected.npz", a -> a.put("loss_jsd", a.get("loss_jsd").add(1e-3)),
        "mixture.expected.npz");
    CliRun check = CliRun.of("kernels", "compare", fixture("mixture.expected.npz").toString(), changed.toString());
    assertEquals(1, check.code(), check.out());
    assertTrue(check.err().contains("[loss_jsd]"), check.err());
    assertTrue(check.out().contains("loss_topk          ok"), check.out());
  }

  /** Writes a copy of the mixture fixture changed by {@code edit}. */
  private Path variant(String fileName, Consumer<Map<String, NDArray>> edit) throws IOException {
    return variant(fileName, edit, "mixture.npz");
  }

  private Path variant(String fileName, Consumer<Map<String, NDArray>> edit, String fixture) throws IOException {
    Map<String, NDArray> arrays = load(fixture(fixture));
    edit.accept(arrays);
    NDList list = new NDList();
    arrays.forEach((k, v) -> {
      v.setName(k);
      list.add(v);
    });
    Path file = dir.resolve("in").resolve(fileName);
    Files.createDirectories(file.getParent());
    try (OutputStream os = Files.newOutputStream(file)) {
      list.encode(os, NDList.Encoding.NPZ);
    }
    return file;
  }

  private void assertRefused(Path bad, String array) throws IOException {
    Path out = dir.resolve("refused");
    CliRun run = CliRun.of("kernels", "run", "--backend", "simd", "--out-dir", out.toString(),
        fixture("mixture.npz").toString(), bad.toString());
    assertEquals(1, run.code(), run.out() + run.err());
    assertTrue(run.err().contains(array), "message should name " + array + ": " + run.err());
    assertTrue(run.err().contains(bad.getFileName().toString()), "message should name the file: " + run.err());
    if (Files.exists(out)) {
      try (Stream<Path> files = Files.list(out)) {
        assertEquals(0, files.count(), "no output may be written when an input is bad");
      }
    }
  }

  @Test
  void refusesAMissingArray() throws IOException {
    assertRefused(variant("missing.npz", a -> a.remove("mask")), "mask");
    assertRefused(variant("missing-scalar.npz", a -> a.remove("kl_clip")), "kl_clip");
  }

  @Test
  void refusesDisagreeingShapes() throws IOException {
    assertRefused(variant("teacher.npz", a -> a.put("teacher_logits", a.get("teacher_logits").get(":, :3"))),
        "teacher_logits");
    assertRefused(variant("tokens.npz", a -> a.put("tokens", a.get("tokens").get(":2"))), "tokens");
    assertRefused(variant("weights.npz", a -> a.put("criterion_weights", manager.create(new float[] {1f}))),
        "criterion_weights");
  }

  @Test
  void refusesATokenOutsideTheVocabulary() throws IOException {
    assertRefused(variant("token.npz", a -> a.put("tokens", manager.create(new long[] {0, 1, 13, 2}))), "tokens");
  }

  @Test
  void refusesNaNAnywhere() throws IOException {
    assertRefused(variant("nan-teacher.npz", a -> {
      NDArray u = a.get("teacher_logits").duplicate();
      u.set(new ai.djl.ndarray.index.NDIndex("1, 2, 3"), Float.NaN);
      a.put("teacher_logits", u);
    }), "teacher_logits");
    assertRefused(variant("nan-adv.npz", a -> a.put("seq_advantages", manager.create(new float[] {0, Float.NaN, 1, 2}))),
        "seq_advantages");
    assertRefused(variant("nan-scalar.npz", a -> a.put("temperature", manager.create(Float.NaN))), "temperature");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, CliRun.of("kernels", "run", "--out-dir", dir.toString(), "x.npz").code());
    assertEquals(2, CliRun.of("kernels", "frobnicate").code());
  }

  @Test
  void anUnknownBackendIsAFailureNamingTheKnownOnes() {
    CliRun run = CliRun.of("kernels", "run", "--backend", "nope", "--out-dir", dir.toString(),
        fixture("mixture.npz").toString());
    assertEquals(1, run.code());
    assertTrue(run.err().contains("simd") && run.err().contains("reference"), run.err());
  }

  /** The engine's tests run without the tornado module: asking for it says how to get it. */
  @Test
  void theTornadoBackendWithoutItsModuleSaysWhatItNeeds() {
    CliRun run = CliRun.of("kernels", "run", "--backend", "tornado", "--out-dir", dir.resolve("t").toString(),
        fixture("mixture.npz").toString());
    assertEquals(1, run.code());
    assertTrue(run.err().contains("TORNADOVM_HOME") && run.err().contains("JDK 25"), run.err());
    assertTrue(CliRun.of("kernels", "backends").err().contains("tornado    unavailable: not built"));
  }

  @Test
  void backendsListsOnePerLineNameFirst() {
    CliRun run = CliRun.of("kernels", "backends");
    assertEquals(0, run.code());
    String[] lines = run.out().strip().split("\n");
    assertTrue(lines.length >= 2, run.out());
    assertTrue(Stream.of(lines).anyMatch(l -> l.startsWith("simd ")), run.out());
    assertTrue(Stream.of(lines).anyMatch(l -> l.startsWith("reference ")), run.out());
  }
}
