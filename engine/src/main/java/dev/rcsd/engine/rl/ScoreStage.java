package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sample.Completion;
import dev.rcsd.engine.task.Grader;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.CriterionGrade;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.TeacherScores;
import dev.rcsd.engine.task.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
      TaskTokenizer tok, RunConfig c, Method method, long batchSeed) throws IOException {
    return run(sampled, problems, initial, tok, c, method, batchSeed, 0);
  }

  /**
   * As {@link #run(List, Map, PolicyModel, TaskTokenizer, RunConfig, Method, long)} for part of a
   * batch whose reason-first analyses start at random stream {@code firstAnalysis} of the batch.
   */
  public static List<Rollout> run(List<Rollout> sampled, Map<String, Problem> problems, PolicyModel initial,
      TaskTokenizer tok, RunConfig c, Method method, long batchSeed, long firstAnalysis) throws IOException {
    Grader grader = new Grader(c.strictAnswers());
    for (Rollout r : sampled) {
      if (!problems.containsKey(r.getPromptId())) {
        throw new IllegalArgumentException("rollout of unknown problem '" + r.getPromptId() + "'");
      }
    }
    Map<String, Completion> analyses = ReasonFirstTeacher.sample(sampled, problems, method, initial, tok, c, batchSeed,
        firstAnalysis);
    int vocab = initial.config().vocabSize();
    List<Rollout.Builder> out = new ArrayList<>();
    List<int[]> refPrefixes = new ArrayList<>();
    List<int[]> completions = new ArrayList<>();
    List<int[]> teacherPrefixes = new ArrayList<>();
    List<int[]> teacherCompletions = new ArrayList<>();
    List<String> teacherContexts = new ArrayList<>();
    List<Grader.Grade> grades = new ArrayList<>();
    for (Rollout r : sampled) {
      Problem p = problems.get(r.getPromptId());
      Grader.Grade g = grader.grade(p, r.getCompletionText());
      grades.add(g);
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
        teacherPrefixes.add(analysis == null ? tok.prompt(p, c.prompts().context(ctx, p))
            : ReasonFirstTeacher.prefix(tok, c.prompts(), ctx, p, analysis.tokens()));
        teacherCompletions.add(completion);
        teacherContexts.add(ctx);
      }
    }
    if (c.judge().enabled()) {
      judge(sampled, problems, grades, out, initial, tok, c);
    }
    int chunk = c.update().chunkRows(vocab, 0);
    FrozenPass.forEachRow(initial, refPrefixes, completions, c.sampling().temperature(), chunk,
        (seq, pos, logprobs, at, hidden, hiddenAt) ->
            out.get(seq).addReferenceLogprobs(logprobs[at + completions.get(seq)[pos]]));
    boolean whole = wholeDistribution(c, vocab);
    List<TeacherScores.Builder> scores = new ArrayList<>();
    for (String ctx : teacherContexts) {
      TeacherScores.Builder t = TeacherScores.newBuilder().setContext(ctx);
      scores.add(whole ? t.setHiddenSize(initial.config().hiddenSize()) : t.setTopK(Math.min(c.teacherTopK(), vocab)));
    }
    TopK top = whole ? null : new TopK(Math.min(c.teacherTopK(), vocab));
    FrozenPass.forEachRow(initial, teacherPrefixes, teacherCompletions, 1f, chunk,
        (seq, pos, logprobs, at, hidden, hiddenAt) -> {
          TeacherScores.Builder t = scores.get(seq);
          if (whole) {
            for (int i = 0; i < initial.config().hiddenSize(); i++) {
              t.addHiddenStates(hidden[hiddenAt + i]);
            }
          } else {
            top.select(logprobs, at, vocab);
            for (int i = 0; i < top.k; i++) {
              t.addTopIds(top.ids[i]).addTopLogprobs(top.values[i]);
            }
          }
          t.addTokenLogprobs(logprobs[at + teacherCompletions.get(seq)[pos]]);
        });
    int j = 0;
    for (int i = 0; i < out.size(); i++) {
      Problem p = problems.get(sampled.get(i).getPromptId());
      int contexts = method.teacherContexts(p).size();
      for (int x = 0; x < contexts; x++, j++) {
        TeacherScores.Builder t = scores.get(j);
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

  /**
   * Grades the criteria the grader could not decide with the judge (the frozen initial model
   * unless {@code judge.model} names another) and recomputes the rubric reward from every
   * criterion's score: 1 or 0 where a check decided, P(yes) where the judge did.
   */
  private static void judge(List<Rollout> sampled, Map<String, Problem> problems, List<Grader.Grade> grades,
      List<Rollout.Builder> out, PolicyModel initial, TaskTokenizer tok, RunConfig c) throws IOException {
    List<Judge.Question> questions = new ArrayList<>();
    for (int i = 0; i < sampled.size(); i++) {
      Problem p = problems.get(sampled.get(i).getPromptId());
      for (int k = 0; k < p.rubric().criteria().size(); k++) {
        if (!grades.get(i).graded()[k]) {
          questions.add(new Judge.Question(p, k, sampled.get(i).getCompletionText()));
        }
      }
    }
    if (questions.isEmpty()) {
      return;
    }
    double[] p;
    if (c.judge().model().isEmpty()) {
      p = new Judge(initial, tok, c.judge(), c.update().chunkRows(initial.config().vocabSize(), 0))
          .probabilities(questions);
    } else {
      Path path = Path.of(c.judge().model());
      try (PolicyModel m = PolicyModel.load(path);
          TaskTokenizer t = ModelTokenizer.of(path).withTemplateVariables(c.chatTemplateVariables())) {
        p = new Judge(m, t, c.judge(), c.update().chunkRows(m.config().vocabSize(), 0)).probabilities(questions);
      }
    }
    int q = 0;
    for (int i = 0; i < sampled.size(); i++) {
      Problem problem = problems.get(sampled.get(i).getPromptId());
      Grader.Grade g = grades.get(i);
      double[] scores = new double[problem.rubric().criteria().size()];
      for (int k = 0; k < scores.length; k++) {
        if (g.graded()[k]) {
          scores[k] = g.met()[k] ? 1 : 0;
        } else {
          scores[k] = p[q++];
          out.get(i).addGrades(CriterionGrade.newBuilder().setCriterion(k).setMet(scores[k] >= 0.5)
              .setScore((float) scores[k]).setDetail("judge"));
        }
      }
      if (c.reward().equals("rubric")) {
        out.get(i).setReward((float) Judge.reward(problem.rubric().criteria(), scores));
      }
    }
  }

  /**
   * Whether the teachers' whole distribution is wanted (teacher_top_k 0, or at least V): the score
   * stage then keeps each teacher's final hidden states, H floats per token, from which the update
   * stage recomputes the logits with the frozen head, instead of V log-probabilities per token.
   */
  static boolean wholeDistribution(RunConfig c, int vocab) {
    return c.teacherTopK() <= 0 || c.teacherTopK() >= vocab;
  }

  /** The k largest entries of a row, by value, ties towards the lower id; reused row after row. */
  static final class TopK {
    final int k;
    final int[] ids;
    final float[] values;

    TopK(int k) {
      this.k = k;
      ids = new int[k];
      values = new float[k];
    }

    void select(float[] row, int offset, int vocab) {
      int kept = 0;
      for (int v = 0; v < vocab; v++) {
        float x = row[offset + v];
        if (kept == k && !(x > values[k - 1])) {
          continue; // not above the k-th: an equal value with a higher id does not displace it
        }
        int i = kept == k ? k - 1 : kept++;
        while (i > 0 && x > values[i - 1]) { // after the equal values (lower ids)
          values[i] = values[i - 1];
          ids[i] = ids[i - 1];
          i--;
        }
        values[i] = x;
        ids[i] = v;
      }
    }
  }
}
