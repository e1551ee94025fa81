package dev.rcsd.engine.task;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model's chat template ({@code chat_template} of its tokenizer_config.json, or
 * chat_template.jinja) rendered as transformers' {@code apply_chat_template} renders it: Jinja
 * (jinjava) with {@code trim_blocks} and {@code lstrip_blocks}, {@code raise_exception},
 * {@code strftime_now}, and the Python string methods templates call ({@code startswith},
 * {@code endswith}, {@code strip}, {@code lstrip}, {@code rstrip}, {@code split}, ...;
 * {@link PyStringResolver}); {@code seq[::-1]} is read as {@code seq|reverse}, and whitespace
 * control ({@code {{-}, {@code -}}}, {@code {%-}, ...) is applied to the source before jinjava reads it.
 * Message content, the special tokens and the variables are data: they reach the text byte for
 * byte, never read as template code. Checked against the strings transformers renders for Qwen3's,
 * Llama-3's and Qwen2's templates.
 */
public final class ChatTemplate {
  /** One turn of a conversation. */
  public record Message(String role, String content) {
    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("role", role);
      m.put("content", content);
      return m;
    }
  }

  private static final Pattern REVERSED = Pattern.compile("\\[\\s*::\\s*-1\\s*]");
  /** Jinja's whitespace control, applied to the source: jinjava does not strip around {{- and -}}. */
  private static final Pattern STRIP_BEFORE = Pattern.compile("\\s*\\{([{%#])-");
  private static final Pattern STRIP_AFTER = Pattern.compile("-([}%#])}\\s*");
  private final String template;
  private final Map<String, Object> specials;
  private final Jinjava jinja;

  /**
   * @param template the Jinja source
   * @param bosToken the tokenizer's bos_token (null when it has none)
   * @param eosToken the tokenizer's eos_token (null when it has none)
   */
  public ChatTemplate(String template, String bosToken, String eosToken) {
    String t = REVERSED.matcher(template).replaceAll("|reverse");
    t = STRIP_AFTER.matcher(STRIP_BEFORE.matcher(t).replaceAll("{$1")).replaceAll("$1}");
    this.template = parenthesiseNamespaceArguments(t);
    specials = new HashMap<>();
    specials.put("bos_token", bosToken);
    specials.put("eos_token", eosToken);
    // message content is data: without nested interpretation off, jinjava would render the
    // {{ }}, {% %} and {# #} in what an expression printed a second time
    JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
        .withNestedInterpretationEnabled(false)
        .withElResolver(PyStringResolver.withDefaults()).build();
    jinja = new Jinjava(config);
    jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class,
        "raiseException", String.class));
    jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplate.class,
        "strftimeNow", String.class));
  }

  /**
   * The conversation as text.
   *
   * @param addGenerationPrompt open the assistant's turn at the end
   * @param variables more template variables, e.g. {@code enable_thinking}
   * @throws IllegalArgumentException naming the template's error (a raise_exception included)
   */
  public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, Object> variables) {
    Map<String, Object> context = new HashMap<>(specials);
    List<Map<String, Object>> turns = new ArrayList<>();
    messages.forEach(m -> turns.add(m.asMap()));
    context.put("messages", turns);
    context.put("add_generation_prompt", addGenerationPrompt);
    context.putAll(variables);
    RenderResult r = jinja.renderForResult(template, context);
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        Throwable cause = e.getException();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
          cause = cause.getCause();
        }
        throw new IllegalArgumentException("chat template: " + e.getMessage()
            + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : "")
            + (e.getLineno() > 0 ? " (line " + e.getLineno() + ")" : ""));
      }
    }
    return r.getOutput();
  }

  /**
   * {@code namespace(a=x, b=y - 1)} with each value in parentheses: jinjava binds {@code b=y} before
   * the {@code - 1}, jinja2 after.
   */
  static String parenthesiseNamespaceArguments(String template) {
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int at; (at = template.indexOf("namespace(", from)) >= 0; ) {
      int open = at + "namespace(".length();
      int depth = 1;
      int end = open;
      while (end < template.length() && depth > 0) {
        char c = template.charAt(end);
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        end++;
      }
      if (depth != 0) {
        break;
      }
      out.append(template, from, open);
      List<String> args = new ArrayList<>();
      int start = open;
      int level = 0;
      for (int i = open; i < end - 1; i++) {
        char c = template.charAt(i);
        level += c == '(' || c == '[' ? 1 : c == ')' || c == ']' ? -1 : 0;
        if (c == ',' && level == 0) {
          args.add(template.substring(start, i));
          start = i + 1;
        }
      }
      args.add(template.substring(start, end - 1));
      List<String> wrapped = new ArrayList<>();
      for (String a : args) {
        int eq = a.indexOf('=');
        wrapped.add(eq > 0 && a.charAt(eq + 1) != '=' ? a.substring(0, eq + 1) + "(" + a.substring(eq + 1).strip() + ")"
            : a);
      }
      out.append(String.join(",", wrapped)).append(')');
      from = end;
    }
    return out.append(template.substring(from)).toString();
  }

  /** transformers' raise_exception: the template refuses the conversation. */
  public static String raiseException(String message) {
    throw new IllegalArgumentException(message);
  }

  /** transformers' strftime_now: the local time in a strftime format (the common directives). */
  public static String strftimeNow(String format) {
    LocalDateTime now = LocalDateTime.now();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char d = format.charAt(++i);
      out.append(switch (d) {
        case 'd' -> String.format("%02d", now.getDayOfMonth());
        case 'm' -> String.format("%02d", now.getMonthValue());
        case 'Y' -> String.valueOf(now.getYear());
        case 'y' -> String.format("%02d", now.getYear() % 100);
        case 'b' -> now.format(DateTimeFormatter.ofPattern("MMM", java.util.Locale.ENGLISH));
        case 'B' -> now.format(DateTimeFormatter.ofPattern("MMMM", java.util.Locale.ENGLISH));
        case 'H' -> String.format("%02d", now.getHour());
        case 'M' -> String.format("%02d", now.getMinute());
        case '%' -> "%";
        default -> "%" + d;
      });
    }
    return out.toString();
  }
}
