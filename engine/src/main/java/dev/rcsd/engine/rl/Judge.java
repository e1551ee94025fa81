package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.task.Criterion;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.TaskTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Grades criteria that no programmatic check decides (RubricHub's free-text ones) with a causal
 * LM, as RaR and RubricHub grade: per criterion, the judge reads a yes/no question about the
 * response (the configured prompt, rendered with the judge's chat template) and the criterion's
 * score is the probability of "Yes" against "No" at the first position of its answer,
 * p = e^(l_yes) / (e^(l_yes) + e^(l_no)). Every question of a batch goes through one frozen pass.
 */
final class Judge {
  private final PolicyModel model;
  private final TaskTokenizer tok;
  private final RunConfig.JudgeSettings settings;
  private final int yes;
  private final int no;

  private final int chunkRows;

  Judge(PolicyModel model, TaskTokenizer tok, RunConfig.JudgeSettings settings, int chunkRows) {
    this.chunkRows = chunkRows;
    this.model = model;
    this.tok = tok;
    this.settings = settings;
    yes = single(settings.yes());
    no = single(settings.no());
  }

  private int single(String word) {
    int[] ids = tok.encode(word);
    if (ids.length != 1) {
      throw new IllegalArgumentException("judge: '" + word + "' is " + ids.length
          + " tokens of the judge's tokenizer; the yes and no answers must be one token each");
    }
    return ids[0];
  }

  /** One question: criterion {@code criterion} of {@code problem} about {@code response}. */
  record Question(Problem problem, int criterion, String response) {}

  /** The prompt of a question. */
  String prompt(Question q) {
    Criterion c = q.problem().rubric().criteria().get(q.criterion());
    return settings.prompt().replace("{question}", q.problem().question()).replace("{response}", q.response())
        .replace("{criterion}", c.description());
  }

  /** P(yes) of every question, in order. */
  double[] probabilities(List<Question> questions) {
    List<int[]> prompts = new ArrayList<>();
    List<int[]> answers = new ArrayList<>();
    for (Question q : questions) {
      prompts.add(tok.prompt(prompt(q)));
      answers.add(new int[] {yes}); // the position that predicts the answer's first token
    }
    double[] p = new double[questions.size()];
    FrozenPass.forEachRow(model, prompts, answers, 1f, chunkRows,
        (seq, pos, logprobs, at, hidden, hiddenAt) -> {
          double ly = logprobs[at + yes];
          double ln = logprobs[at + no];
          double m = Math.max(ly, ln);
          p[seq] = Math.exp(ly - m) / (Math.exp(ly - m) + Math.exp(ln - m));
        });
    return p;
  }

  /**
   * The rubric reward from per-criterion scores in [0, 1]: the weighted share of the positive
   * weight met, minus the pitfalls' (weight -1 each, times their score), clipped to [0, 1].
   */
  static double reward(List<Criterion> criteria, double[] scores) {
    double gained = 0;
    double possible = 0;
    for (int i = 0; i < criteria.size(); i++) {
      int w = criteria.get(i).weight();
      if (w > 0) {
        possible += w;
      }
      gained += w * scores[i];
    }
    return possible == 0 ? 0 : Math.max(0, Math.min(1, gained / possible));
  }
}
