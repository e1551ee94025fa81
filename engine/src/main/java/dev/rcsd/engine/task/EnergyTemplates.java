package dev.rcsd.engine.task;

import static dev.rcsd.engine.task.SimpleTemplate.between;
import static dev.rcsd.engine.task.SimpleTemplate.keyed;
import static dev.rcsd.engine.task.SimpleTemplate.pick;

import java.util.List;

/** Kinetic and potential energy, and their conversion. */
final class EnergyTemplates {
  private EnergyTemplates() {}

  static List<Template> all() {
    return List.of(
        new SimpleTemplate("kinetic", 1, rnd -> {
          int m = between(rnd, 1, 9);
          int v = between(rnd, 1, 9);
          if (m * v * v % 2 != 0) {
            return null;
          }
          String q = pick(rnd,
              "A %d kg ball moves at %d m/s. What is its kinetic energy?",
              "Find the kinetic energy of a %d kg cart travelling at %d m/s.");
          Derivation d = new Derivation().step("kinetic energy", "KE = m * v ^ 2 / 2", m + " * " + v + " ^ 2 / 2",
                  (long) m * v * v / 2, "J")
              .pitfall("Drops the factor 1/2", "Dropping the factor 1/2", new Derivation().step("kinetic energy",
                  "KE = m * v ^ 2", m + " * " + v + " ^ 2", (long) m * v * v, "J"));
          return keyed("kinetic", d, String.format(q, m, v), m, v);
        }),
        new SimpleTemplate("potential", 1, rnd -> {
          int m = between(rnd, 1, 9);
          int h = between(rnd, 1, 12);
          String q = pick(rnd,
              "A %d kg box is lifted %d m. How much potential energy does it gain? Use g = 10 m/s^2.",
              "How much potential energy does a %d kg bag gain when raised by %d m? Take g = 10 m/s^2.");
          Derivation d = new Derivation().step("potential energy", "PE = m * g * h", m + " * 10 * " + h, 10L * m * h, "J")
              .pitfall("Leaves out g", "Leaving out g",
                  new Derivation().step("potential energy", "PE = m * h", m + " * " + h, (long) m * h, "J"));
          return keyed("potential", d, String.format(q, m, h), m, h);
        }),
        new SimpleTemplate("drop", 2, rnd -> {
          int v = 10 * between(rnd, 1, 5);
          int h = v * v / 20;
          int m = between(rnd, 1, 9);
          String q = pick(rnd,
              "A %d kg stone falls from rest through %d m. How fast is it moving at the bottom? Use g = 10 m/s^2.",
              "A %d kg ball is dropped from a height of %d m. Find its speed when it lands. Take g = 10 m/s^2.");
          Derivation d = new Derivation()
              .step("squared speed", "v ^ 2 = 2 * g * h", "2 * 10 * " + h, 20L * h, "m^2/s^2")
              .step("speed", "v = sqrt ( v ^ 2 )", "sqrt ( " + 20L * h + " )", v, "m/s")
              .pitfall("Forgets the square root", "Forgetting the square root",
                  new Derivation().step("speed", "v = 2 * g * h", "2 * 10 * " + h, 20L * h, "m/s"));
          return keyed("drop", d, String.format(q, m, h), m, h);
        }));
  }
}
