package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sample.Completion;
import dev.rcsd.engine.sample.Sampler;
import dev.rcsd.engine.sample.SamplingSettings;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.Rollout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The released RCSD's reason-first teacher: before scoring, the frozen model samples its own
 * analysis of the privileged context, then scores the student's completion after
 *
 * <pre>
 *   &lt;bos&gt; analysis prompt (question, reference, rubric; "do not solve yet") | analysis | transition
 * </pre>
 *
 * One analysis per problem and context, shared by the completions of a group, drawn with the run's
 * sampling settings from a seed of the batch, so scoring a batch again gives the same analyses.
 */
final class ReasonFirstTeacher {
  private ReasonFirstTeacher() {}

  /** Whether {@code context}'s teacher reasons first in this run. */
  static boolean applies(RunConfig c, String context) {
    return c.reasonFirst().enabled() && (context.equals("rubric") || context.equals("reference"));
  }

  /** The seed of a batch's analyses, apart from its completions' seed. */
  static long seed(long batchSeed) {
    return batchSeed * 0x9E3779B97F4A7C15L + 0x5EA50F1257L;
  }

  /**
   * Samples the analyses of the batch's (problem, context) pairs that reason first, keyed by
   * {@link #key}; the i-th pair in order of first appearance draws random stream
   * {@code firstStream + i}.
   */
  static Map<String, Completion> sample(List<Rollout> rollouts, Map<String, Problem> problems, Method method,
      PolicyModel initial, TaskTokenizer tok, RunConfig c, long batchSeed, long firstStream) {
    Map<String, int[]> prompts = new LinkedHashMap<>();
    pairs(rollouts.stream().map(r -> problems.get(r.getPromptId())).toList(), method, c).forEach((k, pair) ->
        prompts.put(k, tok.prompt(pair.problem(), c.prompts().analysis(pair.context(), pair.problem()))));
    Map<String, Completion> out = new LinkedHashMap<>();
    if (prompts.isEmpty()) {
      return out;
    }
    RunConfig.Sampling s = c.sampling();
    List<Completion> drawn = new Sampler(initial).generate(new ArrayList<>(prompts.values()), new SamplingSettings(
        s.temperature(), s.topK(), s.topP(), c.reasonFirst().maxTokens(), tok.stops(), seed(batchSeed)), firstStream);
    int i = 0;
    for (String k : prompts.keySet()) {
      out.put(k, drawn.get(i++));
    }
    return out;
  }

  /** How many analyses {@link #sample} draws for the rollouts of {@code problems}, in order. */
  static int count(List<Problem> problems, Method method, RunConfig c) {
    return pairs(problems, method, c).size();
  }

  private record Pair(Problem problem, String context) {}

  /** The (problem, context) pairs of {@code problems} that reason first, by {@link #key}, in order of first appearance. */
  private static Map<String, Pair> pairs(List<Problem> problems, Method method, RunConfig c) {
    Map<String, Pair> out = new LinkedHashMap<>();
    for (Problem p : problems) {
      for (String ctx : method.teacherContexts(p)) {
        if (applies(c, ctx)) {
          out.putIfAbsent(key(p, ctx), new Pair(p, ctx));
        }
      }
    }
    return out;
  }

  static String key(Problem p, String context) {
    return p.id() + '\u0000' + context;
  }

  /** The teacher's prefix: analysis prompt, then the analysis, then the transition. */
  static int[] prefix(TaskTokenizer tok, PromptTemplates prompts, String context, Problem p, int[] analysis) {
    return tok.prompt(p, prompts.analysis(context, p), analysis, prompts.transition());
  }
}
