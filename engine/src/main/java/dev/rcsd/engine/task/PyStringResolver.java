package dev.rcsd.engine.task;

import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's str methods on strings in Jinja expressions, as chat templates written for jinja2 call
 * them ({@code content.split('</think>')[0].rstrip('\n')}): jinjava resolves methods on Java
 * objects, and java.lang.String has none of these names. Other calls go to jinjava's resolver.
 */
final class PyStringResolver extends ELResolver {
  private PyStringResolver() {}

  /** This resolver first, then jinjava's default (read-only) one. */
  static ELResolver withDefaults() {
    CompositeELResolver r = new CompositeELResolver();
    r.add(new PyStringResolver());
    r.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    return r;
  }

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
    if (!(base instanceof String s) || method == null) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result = call(s, method.toString(), args);
    if (result != NOT_A_METHOD) {
      context.setPropertyResolved(true);
      return result;
    }
    return null;
  }

  private static final Object NOT_A_METHOD = new Object();

  static Object call(String s, String name, Object[] args) {
    return switch (name) {
      case "startswith" -> s.startsWith(arg(args, 0));
      case "endswith" -> s.endsWith(arg(args, 0));
      case "strip" -> rstrip(lstrip(s, chars(args)), chars(args));
      case "lstrip" -> lstrip(s, chars(args));
      case "rstrip" -> rstrip(s, chars(args));
      case "split" -> split(s, args.length == 0 || args[0] == null ? null : args[0].toString());
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "replace" -> s.replace(arg(args, 0), arg(args, 1));
      case "find" -> s.indexOf(arg(args, 0));
      case "count" -> countOf(s, arg(args, 0));
      default -> NOT_A_METHOD;
    };
  }

  private static String arg(Object[] args, int i) {
    if (args.length <= i || args[i] == null) {
      throw new IllegalArgumentException("a string method needs argument " + (i + 1));
    }
    return args[i].toString();
  }

  private static String chars(Object[] args) {
    return args.length == 0 || args[0] == null ? null : args[0].toString();
  }

  private static boolean strips(char c, String chars) {
    return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && strips(s.charAt(i), chars)) {
      i++;
    }
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int i = s.length();
    while (i > 0 && strips(s.charAt(i - 1), chars)) {
      i--;
    }
    return s.substring(0, i);
  }

  /** Python's str.split: by a separator (empty parts kept), or by runs of whitespace. */
  static List<String> split(String s, String sep) {
    if (sep == null) {
      String t = s.strip();
      return t.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(t.split("\\s+")));
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int at; (at = s.indexOf(sep, from)) >= 0; from = at + sep.length()) {
      out.add(s.substring(from, at));
    }
    out.add(s.substring(from));
    return out;
  }

  private static int countOf(String s, String sub) {
    int n = 0;
    for (int at = s.indexOf(sub); at >= 0 && !sub.isEmpty(); at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public java.util.Iterator<java.beans.FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
