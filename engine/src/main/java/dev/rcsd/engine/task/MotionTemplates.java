package dev.rcsd.engine.task;

import static dev.rcsd.engine.task.SimpleTemplate.between;
import static dev.rcsd.engine.task.SimpleTemplate.keyed;
import static dev.rcsd.engine.task.SimpleTemplate.pick;

import java.util.List;

/** Kinematics with constant acceleration, from one step to four. */
final class MotionTemplates {
  private MotionTemplates() {}

  static List<Template> all() {
    return List.of(
        new SimpleTemplate("speed", 1, rnd -> {
          int u = between(rnd, 1, 9);
          int a = between(rnd, 1, 5);
          int t = between(rnd, 2, 9);
          String q = pick(rnd,
              "A cart moves at %d m/s and speeds up at %d m/s^2 for %d s. What is its final speed?",
              "A bike starts with a speed of %d m/s and accelerates at %d m/s^2 for %d s. What is its speed then?",
              "An object has an initial velocity of %d m/s and an acceleration of %d m/s^2. Find its velocity after %d s.");
          Derivation d = new Derivation().step("final speed", "v = u + a * t", u + " + " + a + " * " + t, u + (long) a * t, "m/s")
              .pitfall("Forgets the initial speed", "Forgetting the initial speed",
                  new Derivation().step("final speed", "v = a * t", a + " * " + t, (long) a * t, "m/s"));
          return keyed("speed", d, String.format(q, u, a, t), u, a, t);
        }),
        new SimpleTemplate("distance", 1, rnd -> {
          int a = between(rnd, 1, 6);
          int t = between(rnd, 1, 8);
          if (a * t * t % 2 != 0) {
            return null;
          }
          String q = pick(rnd,
              "A car starts from rest and accelerates at %d m/s^2 for %d s. How far does it travel?",
              "Starting from rest, a sled accelerates at %d m/s^2 for %d s. What distance does it cover?");
          Derivation d = new Derivation().step("distance", "d = a * t ^ 2 / 2", a + " * " + t + " ^ 2 / 2", (long) a * t * t / 2, "m")
              .pitfall("Drops the factor 1/2", "Dropping the factor 1/2",
                  new Derivation().step("distance", "d = a * t ^ 2", a + " * " + t + " ^ 2", (long) a * t * t, "m"));
          return keyed("distance", d, String.format(q, a, t), a, t);
        }),
        new SimpleTemplate("energy-chain", 3, rnd -> {
          int m = between(rnd, 1, 9);
          int a = between(rnd, 1, 4);
          int t = between(rnd, 1, 5);
          long v = (long) a * t;
          long p = m * v;
          if (p * v % 2 != 0) {
            return null;
          }
          String q = pick(rnd,
              "A %d kg cart starts from rest and accelerates at %d m/s^2 for %d s. What is its kinetic energy then?",
              "From rest, a %d kg trolley accelerates at %d m/s^2 for %d s. Find its kinetic energy at that moment.");
          Derivation d = new Derivation()
              .step("speed", "v = a * t", a + " * " + t, v, "m/s")
              .step("momentum", "p = m * v", m + " * " + v, p, "kg*m/s")
              .step("kinetic energy", "KE = p * v / 2", p + " * " + v + " / 2", p * v / 2, "J")
              .pitfall("Drops the factor 1/2", "Dropping the factor 1/2",
                  new Derivation().step("kinetic energy", "KE = p * v", p + " * " + v, p * v, "J"));
          return keyed("energy-chain", d, String.format(q, m, a, t), m, a, t);
        }),
        new SimpleTemplate("work-chain", 4, rnd -> {
          int m = between(rnd, 1, 6);
          int a = between(rnd, 1, 4);
          int t = between(rnd, 1, 4);
          long f = (long) m * a;
          long v = (long) a * t;
          if (v * t % 2 != 0) {
            return null;
          }
          long dist = v * t / 2;
          String q = pick(rnd,
              "A net force accelerates a %d kg cart from rest at %d m/s^2 for %d s. How much work does the force do?",
              "A %d kg block starts from rest and is pushed so that it accelerates at %d m/s^2 for %d s. Find the work done on it.");
          Derivation d = new Derivation()
              .step("force", "F = m * a", m + " * " + a, f, "N")
              .step("speed", "v = a * t", a + " * " + t, v, "m/s")
              .step("distance", "d = v * t / 2", v + " * " + t + " / 2", dist, "m")
              .step("work", "W = F * d", f + " * " + dist, f * dist, "J")
              .pitfall("Drops the factor 1/2 in the distance", "Dropping the factor 1/2 in the distance",
                  new Derivation().step("distance", "d = v * t", v + " * " + t, v * t, "m")
                      .step("work", "W = F * d", f + " * " + v * t, f * v * t, "J"));
          return keyed("work-chain", d, String.format(q, m, a, t), m, a, t);
        }));
  }
}
