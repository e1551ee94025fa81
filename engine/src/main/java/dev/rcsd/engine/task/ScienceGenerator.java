package dev.rcsd.engine.task;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The built-in science-reasoning task: kinematics, Newton's laws, energy, momentum, power,
 * stoichiometry and unit conversion, 1 to 4 steps, several phrasings per template. A fixed hash of
 * (template, numbers) sends every problem to train or test, so the splits never share one; the
 * test split holds distinct problems.
 */
public final class ScienceGenerator {
  /** Percent of (template, numbers) pairs reserved for the test split. */
  static final int TEST_PERCENT = 20;

  private final List<Template> templates;

  public ScienceGenerator() {
    templates = Stream.of(MotionTemplates.all(), ForceTemplates.all(), EnergyTemplates.all(), ChemistryTemplates.all())
        .flatMap(List::stream).toList();
  }

  /** Template ids with their step counts, e.g. {@code speed:1}. */
  public List<String> templates() {
    return templates.stream().map(t -> t.id() + ":" + t.steps()).toList();
  }

  /** Train and test problems. */
  public record Splits(List<Problem> train, List<Problem> test) {}

  /**
   * @param maxSteps only templates of at most this many steps
   * @throws IllegalArgumentException when fewer than {@code test} distinct test problems exist
   */
  public Splits generate(long seed, int train, int test, int maxSteps) {
    List<Template> usable = templates.stream().filter(t -> t.steps() <= maxSteps).toList();
    if (usable.isEmpty()) {
      throw new IllegalArgumentException("no template has at most " + maxSteps + " steps");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Problem> testSet = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int attempts = 0; testSet.size() < test; attempts++) {
      if (attempts > 200 * (test + 100)) {
        throw new IllegalArgumentException("only " + testSet.size() + " distinct test problems could be drawn, not " + test);
      }
      Template.Draw d = usable.get(rnd.nextInt(usable.size())).draw(rnd);
      if (d != null && isTest(d.key()) && used.add(d.key())) {
        testSet.add(d.problem());
      }
    }
    List<Problem> trainSet = new ArrayList<>();
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    while (trainSet.size() < train) {
      Template.Draw d = usable.get(rnd.nextInt(usable.size())).draw(rnd);
      if (d != null && !isTest(d.key())) {
        // a pair may come again in the train split (perhaps phrased otherwise): ids stay unique
        int n = seen.merge(d.key(), 1, Integer::sum);
        Problem p = d.problem();
        trainSet.add(n == 1 ? p : new Problem(p.id() + "/" + n, p.question(), p.referenceAnswer(), p.referenceSolution(),
            p.rubric(), p.template(), p.difficulty()));
      }
    }
    return new Splits(trainSet, testSet);
  }

  /** Whether a (template, numbers) key belongs to the test split. */
  static boolean isTest(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 100 < TEST_PERCENT;
  }
}
