package dev.rcsd.engine.task;

import java.util.List;
import java.util.Map;

/**
 * A number with a unit, as the grader compares answers: equal when the units are equal, or of the
 * same dimension after conversion, and the values agree within 0.1% (or 1e-6).
 */
public record Quantity(double value, String unit) {
  private record Scale(String dimension, double factor) {}

  private static final Map<String, Scale> UNITS = Map.ofEntries(
      Map.entry("m", new Scale("length", 1)), Map.entry("km", new Scale("length", 1000)),
      Map.entry("cm", new Scale("length", 0.01)), Map.entry("mm", new Scale("length", 0.001)),
      Map.entry("s", new Scale("time", 1)), Map.entry("min", new Scale("time", 60)), Map.entry("h", new Scale("time", 3600)),
      Map.entry("kg", new Scale("mass", 1)), Map.entry("g", new Scale("mass", 0.001)),
      Map.entry("m / s", new Scale("speed", 1)), Map.entry("km / h", new Scale("speed", 1 / 3.6)),
      Map.entry("J", new Scale("energy", 1)), Map.entry("kJ", new Scale("energy", 1000)),
      Map.entry("W", new Scale("power", 1)), Map.entry("kW", new Scale("power", 1000)));

  /** Parses {@code "<number> <unit>"} in any spacing; null when it does not start with a number. */
  public static Quantity parse(String text) {
    List<String> parts = List.of(TaskText.canonical(text).split(" "));
    int i = 0;
    String sign = "";
    if (i < parts.size() && parts.get(i).equals("-")) {
      sign = "-";
      i++;
    }
    if (i >= parts.size()) {
      return null;
    }
    double value;
    try {
      value = Double.parseDouble(sign + parts.get(i));
    } catch (NumberFormatException e) {
      return null;
    }
    int end = parts.size();
    while (end > i + 1 && (parts.get(end - 1).equals(".") || parts.get(end - 1).equals(",") || parts.get(end - 1).equals(";"))) {
      end--;
    }
    return new Quantity(value, String.join(" ", parts.subList(i + 1, end)).trim());
  }

  /** Same quantity, within tolerance and up to unit conversion. */
  public boolean matches(Quantity other) {
    double a = value;
    double b = other.value;
    if (!unit.equals(other.unit)) {
      Scale x = UNITS.get(unit);
      Scale y = UNITS.get(other.unit);
      if (x == null || y == null || !x.dimension().equals(y.dimension())) {
        return false;
      }
      a *= x.factor();
      b *= y.factor();
    }
    return Math.abs(a - b) <= 1e-6 + 1e-3 * Math.abs(b);
  }
}
