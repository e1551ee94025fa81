package dev.rcsd.io.rollout;

import dev.rcsd.io.proto.BatchHeader;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Describes a rollout file: its batch header and one line per rollout. */
public final class RolloutInspector {
  private RolloutInspector() {}

  public static String describe(Path file) throws IOException {
    StringBuilder out = new StringBuilder();
    try (RolloutReader r = RolloutReader.open(file)) {
      BatchHeader h = r.header();
      out.append(String.format(Locale.ROOT, "%-9s %s%n", "file", file));
      out.append(String.format(Locale.ROOT, "%-9s %s, step %d, method %s, group size %d, seed %d%n", "batch",
          h.getStage().isEmpty() ? "?" : h.getStage(), h.getStep(), h.getMethod().isEmpty() ? "?" : h.getMethod(),
          h.getGroupSize(), h.getSeed()));
      out.append(String.format(Locale.ROOT, "%-9s T=%s top-k %d top-p %s, policy %s%n%n", "sampling", h.getTemperature(),
          h.getTopK(), h.getTopP(), h.getPolicyCheckpoint().isEmpty() ? "?" : h.getPolicyCheckpoint()));
      out.append(String.format(Locale.ROOT, "%-14s %5s %6s %6s %4s %7s %7s %7s %9s  %s%n", "prompt", "group",
          "prompt", "tokens", "stop", "logp", "reward", "correct", "rubric", "teachers"));
      int n = 0;
      double rewards = 0;
      int correct = 0;
      for (Rollout x; (x = r.next()) != null; n++) {
        double logp = 0;
        for (float l : x.getSamplingLogprobsList()) {
          logp += l;
        }
        int tokens = x.getCompletionTokensCount();
        out.append(String.format(Locale.ROOT, "%-14s %5d %6d %6d %4s %7.3f %7.3f %7s %9s  %s%n", x.getPromptId(),
            x.getGroupId(), x.getPromptTokensCount(), tokens, x.getFinished() ? "yes" : "no",
            tokens == 0 ? 0.0 : logp / tokens, x.getReward(), x.getCorrect() ? "yes" : "no", rubric(x), teachers(x)));
        rewards += x.getReward();
        correct += x.getCorrect() ? 1 : 0;
      }
      out.append(String.format(Locale.ROOT, "%n%d rollouts, mean reward %.3f, %d correct%n", n,
          n == 0 ? 0.0 : rewards / n, correct));
    }
    return out.toString();
  }

  /** Criteria met of the graded ones, e.g. "5/7 met". */
  private static String rubric(Rollout x) {
    if (x.getGradesCount() == 0) {
      return x.getRubric().getCriteriaCount() == 0 ? "-" : "ungraded";
    }
    long met = x.getGradesList().stream().filter(g -> g.getMet()).count();
    return met + "/" + x.getGradesCount() + " met";
  }

  private static String teachers(Rollout x) {
    if (x.getTeachersCount() == 0) {
      return "-";
    }
    StringBuilder s = new StringBuilder();
    for (TeacherScores t : x.getTeachersList()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(t.getContext()).append(" top-").append(t.getTopK());
    }
    return s.toString();
  }
}
