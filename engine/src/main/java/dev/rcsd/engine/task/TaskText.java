package dev.rcsd.engine.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The task's text as its tokenizer sees it. Splitting follows the tokenizer's pre-tokenizers
 * (whitespace, then every ASCII punctuation or symbol on its own, then every digit on its own),
 * so {@code "v = 11 m/s."} becomes {@code v = 1 1 m / s .}. The canonical form joins the tokens
 * with single spaces and merges digit runs back into numbers ({@code v = 11 m / s .}): completions
 * decoded from token ids and texts written by the generator compare equal in it.
 */
public final class TaskText {
  private TaskText() {}

  /** The tokens of {@code text}: words, single punctuation marks, single digits. */
  public static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || isPunctuation(c) || Character.isDigit(c)) {
        if (word.length() > 0) {
          out.add(word.toString());
          word.setLength(0);
        }
        if (!Character.isWhitespace(c)) {
          out.add(String.valueOf(c));
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      out.add(word.toString());
    }
    return out;
  }

  /** ASCII punctuation and symbols, as Rust's {@code char::is_ascii_punctuation}. */
  static boolean isPunctuation(char c) {
    return c < 128 && !Character.isLetterOrDigit(c) && c > ' ' && c != 127;
  }

  /** The canonical form: tokens separated by one space, digit runs (and decimal points inside them) merged. */
  public static String canonical(String text) {
    return join(tokens(text));
  }

  /** Joins tokens into canonical form. */
  public static String join(List<String> tokens) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      boolean glue = i > 0 && (digit(t) || t.equals(".")) && digit(tokens.get(i - 1))
          && (!t.equals(".") || i + 1 < tokens.size() && digit(tokens.get(i + 1)));
      boolean afterPoint = i > 1 && digit(t) && tokens.get(i - 1).equals(".") && digit(tokens.get(i - 2));
      if (out.length() > 0 && !glue && !afterPoint) {
        out.append(' ');
      }
      out.append(t);
    }
    return out.toString();
  }

  private static boolean digit(String t) {
    return t.length() == 1 && Character.isDigit(t.charAt(0));
  }
}
