package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sample.Completion;
import dev.rcsd.engine.sft.SftData;
import dev.rcsd.engine.task.Grader;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.CriterionGrade;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Stage 2: grade every completion (reward), and run the frozen initial model over it as the
 * reference policy (student prompt) and as each of the method's teachers (privileged prompts),
 * keeping the teachers' top-k log-probabilities per position for the update stage. A
 * reason-first teacher first samples its analysis ({@link ReasonFirstTeacher}), kept beside its scores.
 */
public final class ScoreStage {
  private ScoreStage() {}

  public static List<Rollout> run(List<Rollout> sampled, Map<String, Problem> problems, PolicyModel initial,
      TaskTokenizer tok, RunConfig c, Method method, long batchSeed) {
    Grader grader = new Grader();
    for (Rollout r : sampled) {
      if (!problems.containsKey(r.getPromptId())) {
        throw new IllegalArgumentException("rollout of unknown problem '" + r.getPromptId() + "'");
      }
    }
    Map<String, Completion> analyses = ReasonFirstTeacher.sample(sampled, problems, method, initial, tok, c, batchSeed);
    int vocab = initial.config().vocabSize();
    List<Rollout.Builder> out = new ArrayList<>();
    List<int[]> refPrefixes = new ArrayList<>();
    List<int[]> completions = new ArrayList<>();
    List<int[]> teacherPrefixes = new ArrayList<>();
    List<int[]> teacherCompletions = new ArrayList<>();
    List<String> teacherContexts = new ArrayList<>();
    for (Rollout r : sampled) {
      Problem p = problems.get(r.getPromptId());
      Grader.Grade g = grader.grade(p, r.getCompletionText());
      Rollout.Builder b = r.toBuilder().clearGrades().clearTeachers().clearReferenceLogprobs().setCorrect(g.correct());
      for (int i = 0; i < g.met().length; i++) {
        if (g.graded()[i]) {
          b.addGrades(CriterionGrade.newBuilder().setCriterion(i).setMet(g.met()[i]).setScore(g.met()[i] ? 1f : 0f));
        }
      }
      double reward = c.reward().equals("correct") ? (g.correct() ? 1 : 0)
          : Double.isNaN(g.rubricScore()) ? 0 : g.rubricScore();
      b.setReward((float) reward);
      out.add(b);
      int[] completion = r.getCompletionTokensList().stream().mapToInt(Integer::intValue).toArray();
      refPrefixes.add(r.getPromptTokensList().stream().mapToInt(Integer::intValue).toArray());
      completions.add(completion);
      for (String ctx : method.teacherContexts(p)) {
        Completion analysis = analyses.get(ReasonFirstTeacher.key(p, ctx));
        teacherPrefixes.add(analysis == null ? SftData.withBos(tok, tok.encode(c.prompts().context(ctx, p)))
            : ReasonFirstTeacher.prefix(tok, c.prompts(), ctx, p, analysis.tokens()));
        teacherCompletions.add(completion);
        teacherContexts.add(ctx);
      }
    }
    List<float[]> ref = FrozenPass.logprobs(initial, refPrefixes, completions, c.sampling().temperature());
    for (int i = 0; i < out.size(); i++) {
      int[] comp = completions.get(i);
      for (int t = 0; t < comp.length; t++) {
        out.get(i).addReferenceLogprobs(ref.get(i)[t * vocab + comp[t]]);
      }
    }
    List<float[]> teachers = FrozenPass.logprobs(initial, teacherPrefixes, teacherCompletions, 1f);
    int k = c.teacherTopK() <= 0 ? vocab : Math.min(c.teacherTopK(), vocab);
    int j = 0;
    for (int i = 0; i < out.size(); i++) {
      int[] comp = completions.get(i);
      int contexts = method.teacherContexts(problems.get(sampled.get(i).getPromptId())).size();
      Problem p = problems.get(sampled.get(i).getPromptId());
      for (int x = 0; x < contexts; x++, j++) {
        TeacherScores.Builder t = topK(teacherContexts.get(j), teachers.get(j), comp, vocab, k);
        Completion analysis = analyses.get(ReasonFirstTeacher.key(p, teacherContexts.get(j)));
        if (analysis != null) {
          for (int id : analysis.tokens()) {
            t.addAnalysisTokens(id);
          }
          t.setAnalysisText(tok.decode(analysis.tokens()));
        }
        out.get(i).addTeachers(t);
      }
    }
    return out.stream().map(Rollout.Builder::build).toList();
  }

  /** The teacher's k most likely tokens and their log-probs at every completion position. */
  static TeacherScores.Builder topK(String context, float[] rows, int[] completion, int vocab, int k) {
    TeacherScores.Builder t = TeacherScores.newBuilder().setContext(context).setTopK(k);
    Integer[] order = new Integer[vocab];
    for (int pos = 0; pos < completion.length; pos++) {
      int base = pos * vocab;
      if (k == vocab) {
        for (int v = 0; v < vocab; v++) {
          t.addTopIds(v).addTopLogprobs(rows[base + v]);
        }
      } else {
        for (int v = 0; v < vocab; v++) {
          order[v] = v;
        }
        Arrays.sort(order, (a, b) -> rows[base + a] != rows[base + b] ? Float.compare(rows[base + b], rows[base + a])
            : Integer.compare(a, b));
        for (int i = 0; i < k; i++) {
          t.addTopIds(order[i]).addTopLogprobs(rows[base + order[i]]);
        }
      }
      t.addTokenLogprobs(rows[base + completion[pos]]);
    }
    return t;
  }
}
