package dev.rcsd.engine.task;

import static dev.rcsd.engine.task.SimpleTemplate.between;
import static dev.rcsd.engine.task.SimpleTemplate.keyed;
import static dev.rcsd.engine.task.SimpleTemplate.pick;

import java.util.List;

/** Stoichiometry and unit conversion. */
final class ChemistryTemplates {
  private ChemistryTemplates() {}

  private record Reaction(String equation, String reactant, int reactantMass, String product, int productMass, int ratio) {}

  private static final List<Reaction> REACTIONS = List.of(
      new Reaction("2 H2 + O2 -> 2 H2O", "H2", 2, "H2O", 18, 1),
      new Reaction("C + O2 -> CO2", "C", 12, "CO2", 44, 1),
      new Reaction("N2 + 3 H2 -> 2 NH3", "N2", 28, "NH3", 17, 2),
      new Reaction("CH4 + 2 O2 -> CO2 + 2 H2O", "CH4", 16, "H2O", 18, 2),
      new Reaction("2 Mg + O2 -> 2 MgO", "Mg", 24, "MgO", 40, 1));

  static List<Template> all() {
    return List.of(
        new SimpleTemplate("stoichiometry", 2, rnd -> {
          int r = rnd.nextInt(REACTIONS.size());
          Reaction x = REACTIONS.get(r);
          int n = between(rnd, 1, 9);
          long np = (long) x.ratio() * n;
          String q = pick(rnd,
              "How many grams of %s form from %d mol of %s? The reaction is %s and %s has a molar mass of %d g/mol.",
              "Find the mass of %s made from %d mol of %s in the reaction %s. The molar mass of %s is %d g/mol.");
          Derivation d = new Derivation()
              .step("amount of " + x.product(), "n2 = " + x.ratio() + " * n1", x.ratio() + " * " + n, np, "mol")
              .step("mass", "m = n2 * M", np + " * " + x.productMass(), np * x.productMass(), "g")
              .pitfall("Uses the molar mass of " + x.reactant(), "Using the molar mass of " + x.reactant(),
                  new Derivation().step("mass", "m = n2 * M", np + " * " + x.reactantMass(), np * x.reactantMass(),
                      "g"));
          return keyed("stoichiometry", d, String.format(q, x.product(), n, x.reactant(), x.equation(), x.product(),
              x.productMass()), r, n);
        }),
        new SimpleTemplate("speed-units", 1, rnd -> {
          int kmh = 18 * between(rnd, 1, 8);
          String q = pick(rnd, "Convert %d km/h to m/s.", "A train runs at %d km/h. What is its speed in m/s?");
          Derivation d = new Derivation().step("speed", "v = x * 1000 / 3600", kmh + " * 1000 / 3600", kmh * 1000L / 3600, "m/s")
              .pitfall("Divides by 60", "Dividing by 60 instead of 3600",
                  new Derivation().step("speed", "v = x * 1000 / 60", kmh + " * 1000 / 60", kmh * 1000L / 60, "m/s"));
          return keyed("speed-units", d, String.format(q, kmh), kmh);
        }),
        new SimpleTemplate("length-units", 1, rnd -> {
          int km = between(rnd, 2, 60);
          String q = pick(rnd, "Convert %d km to m.", "A road is %d km long. How long is it in m?");
          Derivation d = new Derivation().step("length", "d = x * 1000", km + " * 1000", km * 1000L, "m")
              .pitfall("Multiplies by 100", "Multiplying by 100 instead of 1000",
                  new Derivation().step("length", "d = x * 100", km + " * 100", km * 100L, "m"));
          return keyed("length-units", d, String.format(q, km), km);
        }));
  }
}
