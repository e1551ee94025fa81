package dev.rcsd.engine.task;

import static dev.rcsd.engine.task.SimpleTemplate.between;
import static dev.rcsd.engine.task.SimpleTemplate.keyed;
import static dev.rcsd.engine.task.SimpleTemplate.pick;

import java.util.List;

/** Newton's second law, momentum and power. */
final class ForceTemplates {
  private ForceTemplates() {}

  static List<Template> all() {
    return List.of(
        new SimpleTemplate("acceleration", 1, rnd -> {
          int m = between(rnd, 2, 9);
          int a = between(rnd, 1, 9);
          long f = (long) m * a;
          String q = pick(rnd,
              "A net force of %d N acts on a %d kg box. What is its acceleration?",
              "What acceleration does a net force of %d N give a %d kg cart?");
          Derivation d = new Derivation().step("acceleration", "a = F / m", f + " / " + m, a, "m/s^2")
              .pitfall("Multiplies force and mass", "Multiplying force and mass",
                  new Derivation().step("acceleration", "a = F * m", f + " * " + m, f * m, "m/s^2"));
          return keyed("acceleration", d, String.format(q, f, m), m, a);
        }),
        new SimpleTemplate("force", 2, rnd -> {
          int m = between(rnd, 2, 9);
          int u = between(rnd, 0, 6);
          int a = between(rnd, 1, 5);
          int t = between(rnd, 2, 5);
          long v = u + (long) a * t;
          String q = pick(rnd,
              "A %d kg trolley speeds up from %d m/s to %d m/s in %d s. What net force acts on it?",
              "In %4$d s a %1$d kg cart goes from %2$d m/s to %3$d m/s. Find the net force on it.");
          Derivation d = new Derivation()
              .step("acceleration", "a = ( v - u ) / t", "( " + v + " - " + u + " ) / " + t, a, "m/s^2")
              .step("force", "F = m * a", m + " * " + a, (long) m * a, "N")
              .pitfall("Forgets the mass", "Forgetting to multiply by the mass",
                  new Derivation().step("force", "F = ( v - u ) / t", "( " + v + " - " + u + " ) / " + t, a, "N"));
          return keyed("force", d, String.format(q, m, u, v, t), m, u, a, t);
        }),
        new SimpleTemplate("collision", 2, rnd -> {
          int m1 = between(rnd, 1, 9);
          int m2 = between(rnd, 1, 9);
          int v1 = between(rnd, 1, 9);
          long p = (long) m1 * v1;
          if (p % (m1 + m2) != 0) {
            return null;
          }
          String q = pick(rnd,
              "A %d kg cart moving at %d m/s hits a %d kg cart at rest and they stick together. What is their speed after the collision?",
              "A %d kg ball at %d m/s runs into a resting %d kg ball and they move on together. How fast do they move?");
          Derivation d = new Derivation()
              .step("momentum", "p = m1 * v1", m1 + " * " + v1, p, "kg*m/s")
              .step("final speed", "v = p / ( m1 + m2 )", p + " / ( " + m1 + " + " + m2 + " )", p / (m1 + m2), "m/s")
              .pitfall("Ignores the second cart", "Ignoring the mass of the second cart",
                  new Derivation().step("final speed", "v = p / m1", p + " / " + m1, v1, "m/s"));
          return keyed("collision", d, String.format(q, m1, v1, m2), m1, m2, v1);
        }),
        new SimpleTemplate("power", 2, rnd -> {
          int f = between(rnd, 2, 20);
          int dist = between(rnd, 2, 10);
          int t = between(rnd, 2, 9);
          long w = (long) f * dist;
          if (w % t != 0) {
            return null;
          }
          String q = pick(rnd,
              "A worker pushes a crate with a force of %d N over %d m in %d s. What is the average power?",
              "A force of %d N moves a box %d m in %d s. Find the average power delivered.");
          Derivation d = new Derivation()
              .step("work", "W = F * d", f + " * " + dist, w, "J")
              .step("power", "P = W / t", w + " / " + t, w / t, "W")
              .pitfall("Multiplies by the time", "Multiplying the work by the time",
                  new Derivation().step("power", "P = W * t", w + " * " + t, w * t, "W"));
          return keyed("power", d, String.format(q, f, dist, t), f, dist, t);
        }));
  }
}
