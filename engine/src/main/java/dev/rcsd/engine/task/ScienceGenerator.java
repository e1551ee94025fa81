package dev.rcsd.engine.task;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The built-in science-reasoning task: kinematics, Newton's laws, energy, momentum, power,
 * stoichiometry and unit conversion, 1 to 4 steps, several phrasings per template. A fixed hash of
 * (template, numbers) sends every problem to train or test, so the splits never share one, and
 * both are drawn the same way, so they follow one distribution.
 */
public final class ScienceGenerator {
  /** Percent of (template, numbers) pairs reserved for the test split. */
  static final int TEST_PERCENT = 20;
  /** Draws of one template's numbers before it counts as having no problem of a split. */
  private static final int MAX_REDRAWS = 100_000;

  private final List<Template> templates;

  public ScienceGenerator() {
    templates = Stream.of(MotionTemplates.all(), ForceTemplates.all(), EnergyTemplates.all(), ChemistryTemplates.all())
        .flatMap(List::stream).toList();
  }

  /** Template ids with their step counts, e.g. {@code speed:1}. */
  public List<String> templates() {
    return templates.stream().map(t -> t.id() + ":" + t.steps()).toList();
  }

  /**
   * Train and test problems, and the problems the SFT warm-up learns from: the train split's, or
   * with keys reserved for RL ({@link #generate(long, int, int, int, int)}) problems of their own.
   */
  public record Splits(List<Problem> train, List<Problem> test, List<Problem> warmup) {
    public Splits(List<Problem> train, List<Problem> test) {
      this(train, test, train);
    }
  }

  /**
   * Both splits are drawn alike: a template uniformly among the usable ones, then its numbers,
   * redrawn until the (template, numbers) key falls in the split. Templates, difficulties and number
   * ranges are thus distributed the same in train and test, and no key is in both. A key may come
   * again within a split (a template with few number combinations repeats in both alike); ids stay
   * unique ({@code id/2}, {@code id/3}, ...).
   *
   * @param maxSteps only templates of at most this many steps
   * @throws IllegalArgumentException when a template yields no problem of a split
   */
  public Splits generate(long seed, int train, int test, int maxSteps) {
    return generate(seed, train, test, maxSteps, 0);
  }

  /**
   * As {@link #generate(long, int, int, int)}, with {@code rlPercent} percent of the
   * (template, numbers) keys reserved for the train split, which RL samples from: the warm-up's
   * problems ({@link Splits#warmup}, as many as the train split's) come from the other keys, so RL
   * prompts are problems the warm-up never saw, drawn like the test split's. 0 keeps one train
   * split for both.
   */
  public Splits generate(long seed, int train, int test, int maxSteps, int rlPercent) {
    if (rlPercent < 0 || rlPercent > 100 - TEST_PERCENT - 10) {
      throw new IllegalArgumentException("rl_keys_percent = " + rlPercent + " must be in [0, "
          + (100 - TEST_PERCENT - 10) + "]");
    }
    List<Template> usable = templates.stream().filter(t -> t.steps() <= maxSteps).toList();
    if (usable.isEmpty()) {
      throw new IllegalArgumentException("no template has at most " + maxSteps + " steps");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Problem> testSet = draw(usable, rnd, test, b -> b < TEST_PERCENT, "test");
    if (rlPercent == 0) {
      return new Splits(draw(usable, rnd, train, b -> b >= TEST_PERCENT, "train"), testSet);
    }
    int rlEnd = TEST_PERCENT + rlPercent;
    List<Problem> rl = draw(usable, rnd, train, b -> b >= TEST_PERCENT && b < rlEnd, "train");
    List<Problem> warmup = draw(usable, rnd, train, b -> b >= rlEnd, "warm-up");
    return new Splits(rl, testSet, warmup);
  }

  private static List<Problem> draw(List<Template> usable, SplittableRandom rnd, int count,
      java.util.function.IntPredicate inSplit, String split) {
    List<Problem> problems = new ArrayList<>(count);
    Map<String, Integer> seen = new HashMap<>();
    while (problems.size() < count) {
      Template t = usable.get(rnd.nextInt(usable.size()));
      Template.Draw d = null;
      for (int attempt = 0; d == null; attempt++) {
        if (attempt == MAX_REDRAWS) {
          throw new IllegalArgumentException("template " + t.id() + " gave no " + split + " problem in " + MAX_REDRAWS
              + " draws");
        }
        Template.Draw x = t.draw(rnd);
        if (x != null && inSplit.test(bucket(x.key()))) {
          d = x;
        }
      }
      int n = seen.merge(d.key(), 1, Integer::sum);
      Problem p = d.problem();
      problems.add(n == 1 ? p : new Problem(p.id() + "/" + n, p.question(), p.referenceAnswer(), p.referenceSolution(),
          p.rubric(), p.template(), p.difficulty(), p.mistakenSolution()));
    }
    return problems;
  }

  /** A key's fixed bucket in [0, 100): the test split has the first {@link #TEST_PERCENT}. */
  static int bucket(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % 100);
  }
}
