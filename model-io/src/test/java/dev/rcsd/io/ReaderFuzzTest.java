package dev.rcsd.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rcsd.io.checkpoint.CheckpointReader;
import dev.rcsd.io.checkpoint.Checkpoints;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.hf.HfExport;
import dev.rcsd.io.hf.HfImport;
import dev.rcsd.io.hf.SafetensorsFile;
import dev.rcsd.io.proto.BatchHeader;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import dev.rcsd.io.rollout.RolloutReader;
import dev.rcsd.io.rollout.RolloutWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer for every reader of the module: flipped bits, overwritten bytes
 * (including 0xff runs that make absurd lengths), truncation, insertion and duplicated slices.
 * A reader may only succeed or throw {@link FormatException}: never another exception, never an
 * OutOfMemoryError. The checksummed formats must also notice every change.
 */
class ReaderFuzzTest {
  private static final int ROUNDS = 1500;
  @TempDir Path dir;

  interface Reader {
    void readAll(Path file) throws IOException;
  }

  private static byte[] mutate(byte[] good, SplittableRandom rnd) {
    byte[] b = good.clone();
    switch (rnd.nextInt(6)) {
      case 0 -> {
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
          b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      case 2 -> {
        int at = rnd.nextInt(b.length);
        for (int i = at; i < Math.min(b.length, at + 1 + rnd.nextInt(8)); i++) {
          b[i] = (byte) 0xff;
        }
      }
      case 3 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
      case 4 -> {
        int at = rnd.nextInt(b.length + 1);
        byte[] extra = new byte[1 + rnd.nextInt(16)];
        rnd.nextBytes(extra);
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        b = out;
      }
      default -> {
        int from = rnd.nextInt(b.length);
        int len = Math.min(b.length - from, 1 + rnd.nextInt(32));
        int to = rnd.nextInt(b.length - len + 1);
        System.arraycopy(good, from, b, to, len);
      }
    }
    return b;
  }

  private void fuzz(String name, Path original, Reader reader, boolean checksummed, long seed) throws IOException {
    byte[] good = Files.readAllBytes(original);
    reader.readAll(original);
    SplittableRandom rnd = new SplittableRandom(seed);
    Path file = dir.resolve("fuzz-" + name);
    int detected = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] bad = mutate(good, rnd);
      Files.write(file, bad);
      try {
        reader.readAll(file);
        if (checksummed && !Arrays.equals(good, bad)) {
          fail(name + " round " + round + ": a changed file was accepted");
        }
      } catch (FormatException e) {
        detected++;
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
      } catch (IOException | RuntimeException | OutOfMemoryError e) {
        throw new AssertionError(name + " round " + round + ": " + e.getClass().getName() + " instead of a format error", e);
      }
    }
    assertTrue(detected > ROUNDS / 2, name + ": only " + detected + " of " + ROUNDS + " mutations were refused");
  }

  @Test
  void checkpointReader() throws IOException {
    Path file = dir.resolve("a.ckpt");
    Checkpoints.write(file, 16, Checkpoints.tensors(8));
    fuzz("checkpoint", file, f -> {
      try (CheckpointReader r = CheckpointReader.open(f)) {
        for (TensorInfo t; (t = r.next()) != null; ) {
          r.readAll();
        }
      }
    }, true, 1);
  }

  @Test
  void rolloutReader() throws IOException {
    Path file = dir.resolve("a.rollouts");
    try (RolloutWriter w = RolloutWriter.create(file, BatchHeader.newBuilder().setStep(1).build())) {
      for (int i = 0; i < 3; i++) {
        w.write(Rollout.newBuilder().setPromptId("p" + i).addCompletionTokens(5).addSamplingLogprobs(-1f)
            .addTeachers(TeacherScores.newBuilder().setTopK(1).addTopIds(5).addTopLogprobs(-0.5f).addTokenLogprobs(-0.5f))
            .build());
      }
      w.commit();
    }
    fuzz("rollouts", file, RolloutReader::readAll, true, 2);
  }

  @Test
  void safetensorsReader() throws IOException {
    Path hf = dir.resolve("hf");
    Path ckpt = dir.resolve("m.ckpt");
    Checkpoints.write(ckpt, 64, Checkpoints.tensors(9));
    HfExport.run(ckpt, hf);
    fuzz("safetensors", hf.resolve("model.safetensors"), f -> {
      SafetensorsFile s = SafetensorsFile.open(f);
      for (SafetensorsFile.Entry e : s.entries()) {
        try (var in = s.open(e)) {
          if (in.readAllBytes().length != e.info().byteLength()) {
            throw new AssertionError("short read of " + e.info().name());
          }
        }
      }
    }, false, 3);
    HfImport.run(hf, dir.resolve("back.ckpt"), "test", 0);
  }
}
