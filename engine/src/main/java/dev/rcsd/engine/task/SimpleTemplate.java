package dev.rcsd.engine.task;

import java.util.SplittableRandom;
import java.util.function.Function;

/** A template given by its id, step count and drawing function. */
record SimpleTemplate(String id, int steps, Function<SplittableRandom, Template.Draw> drawer) implements Template {
  @Override
  public Draw draw(SplittableRandom rnd) {
    return drawer.apply(rnd);
  }

  /** A draw keyed by the template and its numbers, with the problem's id derived from both. */
  static Draw keyed(String template, Derivation d, String question, long... numbers) {
    StringBuilder key = new StringBuilder(template);
    for (long n : numbers) {
      key.append('-').append(n);
    }
    if (!d.distinct()) {
      return null;
    }
    return new Draw(key.toString(), d.problem(key.toString(), question, template));
  }

  static int between(SplittableRandom rnd, int lo, int hi) {
    return lo + rnd.nextInt(hi - lo + 1);
  }

  static String pick(SplittableRandom rnd, String... phrasings) {
    return phrasings[rnd.nextInt(phrasings.length)];
  }
}
