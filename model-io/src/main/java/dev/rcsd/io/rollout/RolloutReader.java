package dev.rcsd.io.rollout;

import dev.rcsd.io.FormatException;
import dev.rcsd.io.RecordFileReader;
import dev.rcsd.io.proto.BatchHeader;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.RolloutRecord;
import dev.rcsd.io.proto.TeacherScores;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch of rollouts one at a time, checking each record's internal consistency (one
 * sampling log-prob per completion token, teacher top-k sized to the completion, grades pointing
 * into the rubric) and the footer.
 */
public final class RolloutReader implements Closeable {
  private final RecordFileReader in;
  private final BatchHeader header;
  private boolean finished;

  private RolloutReader(Path file) throws IOException {
    in = new RecordFileReader(file, RolloutFormat.FORMAT);
    try {
      RolloutRecord first = nextKnown();
      if (first == null || first.getKindCase() != RolloutRecord.KindCase.HEADER) {
        throw in.error("the first record is not a batch header");
      }
      header = first.getHeader();
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  public static RolloutReader open(Path file) throws IOException {
    return new RolloutReader(file);
  }

  /** Reads a whole batch: its header and rollouts. */
  public static Batch readAll(Path file) throws IOException {
    try (RolloutReader r = open(file)) {
      List<Rollout> all = new ArrayList<>();
      for (Rollout x; (x = r.next()) != null; ) {
        all.add(x);
      }
      return new Batch(r.header(), all);
    }
  }

  /** A batch read whole. */
  public record Batch(BatchHeader header, List<Rollout> rollouts) {}

  public BatchHeader header() {
    return header;
  }

  /** The next rollout, or null once the footer has been read and checked. */
  public Rollout next() throws IOException {
    if (finished) {
      return null;
    }
    RolloutRecord r = nextKnown();
    if (r == null) {
      throw new FormatException(in.file(), "truncated: the file ends after record " + in.index() + " without a footer");
    }
    switch (r.getKindCase()) {
      case ROLLOUT -> {
        check(r.getRollout());
        return r.getRollout();
      }
      case FOOTER -> {
        in.checkFooter(r.getFooter());
        finished = true;
        return null;
      }
      default -> throw in.error("expected a rollout or the footer, found a " + r.getKindCase() + " record");
    }
  }

  private void check(Rollout x) throws FormatException {
    String what = "rollout '" + x.getPromptId() + "'";
    int length = x.getCompletionTokensCount();
    if (x.getSamplingLogprobsCount() != length) {
      throw in.error(what + ": " + x.getSamplingLogprobsCount() + " sampling log-probs for " + length
          + " completion tokens");
    }
    if (x.getReferenceLogprobsCount() != 0 && x.getReferenceLogprobsCount() != length) {
      throw in.error(what + ": " + x.getReferenceLogprobsCount() + " reference log-probs for " + length
          + " completion tokens");
    }
    int criteria = x.getRubric().getCriteriaCount();
    for (var g : x.getGradesList()) {
      if (g.getCriterion() >= criteria) {
        throw in.error(what + ": a grade refers to criterion " + Integer.toUnsignedString(g.getCriterion())
            + " of a rubric with " + criteria);
      }
    }
    for (TeacherScores t : x.getTeachersList()) {
      long cells = (long) length * t.getTopK();
      if (t.getTopIdsCount() != cells || t.getTopLogprobsCount() != cells) {
        throw in.error(what + ", teacher '" + t.getContext() + "': top-k arrays hold " + t.getTopIdsCount() + " ids and "
            + t.getTopLogprobsCount() + " log-probs, expected " + length + " x " + Integer.toUnsignedString(t.getTopK()));
      }
      long hidden = (long) length * t.getHiddenSize();
      if (t.getHiddenStatesCount() != hidden) {
        throw in.error(what + ", teacher '" + t.getContext() + "': " + t.getHiddenStatesCount()
            + " hidden-state values, expected " + length + " x " + Integer.toUnsignedString(t.getHiddenSize()));
      }
      if (t.getHiddenSize() != 0 && t.getTopK() != 0) {
        throw in.error(what + ", teacher '" + t.getContext() + "': both hidden states and a top-k; a teacher keeps one");
      }
      if (t.getHiddenSize() != 0 && header().getTeacherHead().isEmpty()) {
        throw in.error(what + ", teacher '" + t.getContext()
            + "': hidden states but the header names no teacher_head to turn them into logits");
      }
      if (t.getTokenLogprobsCount() != length) {
        throw in.error(what + ", teacher '" + t.getContext() + "': " + t.getTokenLogprobsCount()
            + " token log-probs for " + length + " completion tokens");
      }
    }
  }

  private RolloutRecord nextKnown() throws IOException {
    return in.next(RolloutRecord.parser(), r -> r.getKindCase() != RolloutRecord.KindCase.KIND_NOT_SET);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
