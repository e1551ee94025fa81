package dev.rcsd.io.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.io.FormatException;
import dev.rcsd.io.proto.BatchHeader;
import dev.rcsd.io.proto.Criterion;
import dev.rcsd.io.proto.CriterionGrade;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.Rubric;
import dev.rcsd.io.proto.TeacherScores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutFormatTest {
  @TempDir Path dir;

  static BatchHeader header() {
    return BatchHeader.newBuilder().setProducer("test").setStep(3).setMethod("rcsd").setStage("score")
        .setGroupSize(2).setSeed(7).setTemperature(1f).setTopK(0).setTopP(1f).build();
  }

  static Rollout rollout(String id, int length) {
    Rollout.Builder b = Rollout.newBuilder().setPromptId(id).setGroupId(id.hashCode() % 5).setQuestion("q " + id)
        .addPromptTokens(1).addPromptTokens(2)
        .setRubric(Rubric.newBuilder()
            .addCriteria(Criterion.newBuilder().setTitle("Uses F = ma").setDescription("States Newton's law").setWeight(8))
            .addCriteria(Criterion.newBuilder().setTitle("Wrong units").setDescription("Avoids mixing g and kg").setWeight(-1)))
        .addGrades(CriterionGrade.newBuilder().setCriterion(0).setMet(true).setScore(1f))
        .addGrades(CriterionGrade.newBuilder().setCriterion(1).setMet(false).setScore(0f))
        .setReward(1f).setCorrect(true).setFinished(true);
    TeacherScores.Builder t = TeacherScores.newBuilder().setContext("rubric").setTopK(2);
    for (int i = 0; i < length; i++) {
      b.addCompletionTokens(i + 3).addSamplingLogprobs(-0.5f * i);
      t.addTopIds(i).addTopIds(i + 1).addTopLogprobs(-0.1f).addTopLogprobs(-2.5f).addTokenLogprobs(-0.2f);
    }
    return b.addTeachers(t).build();
  }

  private Path write(Rollout... rollouts) throws IOException {
    Path file = dir.resolve("batch.rollouts");
    try (RolloutWriter w = RolloutWriter.create(file, header())) {
      for (Rollout r : rollouts) {
        w.write(r);
      }
      w.commit();
    }
    return file;
  }

  @Test
  void roundTrips() throws IOException {
    List<Rollout> written = List.of(rollout("p1", 5), rollout("p2", 0), rollout("p3", 30));
    RolloutReader.Batch batch = RolloutReader.readAll(write(written.toArray(Rollout[]::new)));
    assertEquals(written, batch.rollouts());
    assertEquals("score", batch.header().getStage());
  }

  @Test
  void inconsistentRolloutsAreRefusedByName() throws IOException {
    Rollout missingLogprob = rollout("bad", 4).toBuilder().clearSamplingLogprobs().addSamplingLogprobs(0f).build();
    FormatException e = assertThrows(FormatException.class, () -> RolloutReader.readAll(write(missingLogprob)));
    assertTrue(e.getMessage().contains("rollout 'bad'") && e.getMessage().contains("sampling log-probs"), e.getMessage());

    Rollout shortTeacher = rollout("t", 3).toBuilder()
        .setTeachers(0, rollout("t", 3).getTeachers(0).toBuilder().addTopIds(9)).build();
    e = assertThrows(FormatException.class, () -> RolloutReader.readAll(write(shortTeacher)));
    assertTrue(e.getMessage().contains("teacher 'rubric'"), e.getMessage());

    Rollout strayGrade = rollout("g", 2).toBuilder().addGrades(CriterionGrade.newBuilder().setCriterion(5)).build();
    e = assertThrows(FormatException.class, () -> RolloutReader.readAll(write(strayGrade)));
    assertTrue(e.getMessage().contains("criterion 5"), e.getMessage());
  }

  @Test
  void truncationAndCorruptionAreDetected() throws IOException {
    Path file = write(rollout("p1", 5), rollout("p2", 6));
    byte[] good = Files.readAllBytes(file);
    for (int len = 0; len < good.length; len++) {
      Files.write(file, java.util.Arrays.copyOf(good, len));
      assertThrows(FormatException.class, () -> RolloutReader.readAll(file));
    }
    for (int pos = 0; pos < good.length; pos++) {
      byte[] bad = good.clone();
      bad[pos] ^= 0x01;
      Files.write(file, bad);
      assertThrows(FormatException.class, () -> RolloutReader.readAll(file), "flip at " + pos);
    }
  }

  @Test
  void inspectDescribesEveryRollout() throws IOException {
    String text = RolloutInspector.describe(write(rollout("p1", 5), rollout("p2", 6)));
    assertTrue(text.contains("p1") && text.contains("p2") && text.contains("2 rollouts"), text);
    assertTrue(text.contains("1/2 met") && text.contains("rubric top-2"), text);
  }
}
