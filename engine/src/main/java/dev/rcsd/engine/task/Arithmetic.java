package dev.rcsd.engine.task;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes out a substitution one operation at a time, as a careful solution does:
 * {@code 4 * 4 ^ 2 / 2 = 4 * 16 / 2 = 64 / 2 = 32}. Each step performs one operation in the order
 * of evaluation (innermost parentheses, then sqrt and powers, then * and / left to right, then +
 * and - left to right), in exact integer arithmetic.
 */
final class Arithmetic {
  private Arithmetic() {}

  /** The intermediate expressions after {@code expr}, ending with the value; empty if it is a number or not exact. */
  static List<String> steps(String expr) {
    List<String> tokens = new ArrayList<>(List.of(TaskText.canonical(expr).split(" ")));
    List<String> out = new ArrayList<>();
    while (tokens.size() > 1) {
      if (!reduce(tokens)) {
        return List.of();
      }
      unwrap(tokens);
      String s = String.join(" ", tokens);
      if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Performs one operation (dropping parentheses around a lone number on the way); false if stuck. */
  private static boolean reduce(List<String> t) {
    int open = -1;
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).equals("(")) {
        open = i;
      } else if (t.get(i).equals(")")) {
        if (open < 0) {
          return false;
        }
        if (i - open == 2) { // ( n ): a function applies, or the parentheses go
          if (open > 0 && t.get(open - 1).equals("sqrt")) {
            long n = Long.parseLong(t.get(open + 1));
            long r = Math.round(Math.sqrt(n));
            if (r * r != n) {
              return false;
            }
            replace(t, open - 1, i + 1, r);
          } else {
            t.remove(i);
            t.remove(open);
            return true;
          }
          return true;
        }
        return operate(t, open + 1, i);
      }
    }
    return operate(t, 0, t.size());
  }

  /** Drops parentheses around lone numbers (not a function's), which a step leaves behind. */
  private static void unwrap(List<String> t) {
    for (int i = 0; i + 2 < t.size(); i++) {
      if (t.get(i).equals("(") && number(t.get(i + 1)) && t.get(i + 2).equals(")")
          && (i == 0 || !t.get(i - 1).equals("sqrt"))) {
        t.remove(i + 2);
        t.remove(i);
        i = -1;
      }
    }
  }

  /** One operation within t[from, to), by precedence. */
  private static boolean operate(List<String> t, int from, int to) {
    for (String ops : new String[] {"^", "*/", "+-"}) {
      for (int i = from + 1; i < to - 1; i++) {
        if (ops.contains(t.get(i)) && t.get(i).length() == 1 && number(t.get(i - 1)) && number(t.get(i + 1))) {
          long a = Long.parseLong(t.get(i - 1));
          long b = Long.parseLong(t.get(i + 1));
          long r;
          switch (t.get(i)) {
            case "^" -> r = (long) Math.pow(a, b);
            case "*" -> r = a * b;
            case "/" -> {
              if (b == 0 || a % b != 0) {
                return false;
              }
              r = a / b;
            }
            case "+" -> r = a + b;
            default -> r = a - b;
          }
          replace(t, i - 1, i + 2, r);
          return true;
        }
      }
    }
    return false;
  }

  private static void replace(List<String> t, int from, int to, long value) {
    t.subList(from, to).clear();
    t.add(from, Long.toString(value));
  }

  private static boolean number(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }
}
