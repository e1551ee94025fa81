package dev.rcsd.engine.task;

import java.util.List;

/**
 * A validated rubric. One of RCSD's published form (the built-in task, our JSONL) has 3 to 25
 * criteria, at least one pitfall, descriptions of at most 40 words; one imported from a dataset
 * ({@link #imported}) needs only criteria with a title, a description and a weight.
 *
 * @param published whether the published rules were checked
 */
public record Rubric(List<Criterion> criteria, boolean published) {
  public static final int MIN = 3;
  public static final int MAX = 25;
  /** The most criteria an imported rubric may have (one teacher pass each for rcsd-criteria). */
  public static final int MAX_IMPORTED = 64;

  /** A rubric of the published form. */
  public Rubric(List<Criterion> criteria) {
    this(criteria, true);
  }

  /** A rubric from a dataset: 1 to 64 criteria with a title, a description and a weight. */
  public static Rubric imported(List<Criterion> criteria) {
    return new Rubric(criteria, false);
  }

  /** Checks the rubric rules; messages name the criterion and the field. */
  public Rubric {
    criteria = List.copyOf(criteria);
    if (published) {
      checkPublished(criteria);
    } else {
      checkImported(criteria);
    }
  }

  private static void checkImported(List<Criterion> criteria) {
    if (criteria.isEmpty() || criteria.size() > MAX_IMPORTED) {
      throw new RubricException("rubric has " + criteria.size() + " criteria; it needs 1 to " + MAX_IMPORTED);
    }
    for (int i = 0; i < criteria.size(); i++) {
      Criterion c = criteria.get(i);
      if (c.title() == null || c.title().isBlank() || c.description() == null || c.description().isBlank()) {
        throw new RubricException("criterion " + (i + 1) + ": title or description is empty");
      }
      if (c.weight() < -1 || c.weight() > 10 || c.weight() == 0) {
        throw new RubricException("criterion " + (i + 1) + ": weight " + c.weight() + " is not -1 (pitfall) or 1..10");
      }
    }
  }

  private static void checkPublished(List<Criterion> criteria) {
    if (criteria.size() < MIN || criteria.size() > MAX) {
      throw new RubricException("rubric has " + criteria.size() + " criteria; it needs " + MIN + " to " + MAX);
    }
    for (int i = 0; i < criteria.size(); i++) {
      Criterion c = criteria.get(i);
      String where = "criterion " + (i + 1) + " ('" + c.title() + "')";
      if (c.title() == null || c.title().isBlank()) {
        throw new RubricException("criterion " + (i + 1) + ": title is empty");
      }
      if (c.description() == null || c.description().isBlank()) {
        throw new RubricException(where + ": description is empty");
      }
      int words = c.description().trim().split("\\s+").length;
      if (words > Criterion.MAX_DESCRIPTION_WORDS) {
        throw new RubricException(where + ": description has " + words + " words, more than "
            + Criterion.MAX_DESCRIPTION_WORDS);
      }
      if (c.weight() < -1 || c.weight() > 10 || c.weight() == 0) {
        throw new RubricException(where + ": weight " + c.weight() + " is not -1 (pitfall) or 1..10");
      }
    }
    if (criteria.stream().noneMatch(Criterion::pitfall)) {
      throw new RubricException("rubric has no pitfall criterion (weight -1)");
    }
  }

  /** The sum of the positive weights: a full score. */
  public int positiveWeight() {
    return criteria.stream().mapToInt(Criterion::weight).filter(w -> w > 0).sum();
  }

  /** A rubric that breaks the rules. */
  public static final class RubricException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RubricException(String message) {
      super(message);
    }
  }
}
