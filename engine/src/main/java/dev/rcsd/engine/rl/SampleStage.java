package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sample.Completion;
import dev.rcsd.engine.sample.Sampler;
import dev.rcsd.engine.sample.SamplingSettings;
import dev.rcsd.engine.task.Criterion;
import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.io.proto.Rubric;
import java.util.ArrayList;
import java.util.List;

/** Stage 1: the student samples completions of the step's problems (several per problem for GRPO). */
public final class SampleStage {
  private SampleStage() {}

  /** The seed of a step's sampling: a function of the run seed and the step, so a resumed run draws the same. */
  static long seed(long runSeed, long step) {
    return runSeed * 1_000_003L + step * 7_919L + 17;
  }

  public static List<Rollout> run(PolicyModel policy, TaskTokenizer tok, List<Problem> problems, RunConfig c, long step) {
    return run(policy, tok, problems, c, step, 0);
  }

  /**
   * Samples the completions of {@code problems}, the step's problems from index {@code firstProblem}
   * on: their groups and random streams are those of the step, whatever part of it a call samples.
   */
  public static List<Rollout> run(PolicyModel policy, TaskTokenizer tok, List<Problem> problems, RunConfig c, long step,
      int firstProblem) {
    List<int[]> prompts = new ArrayList<>();
    for (Problem p : problems) {
      int[] ids = tok.prompt(p, c.prompts().student(p));
      int room = policy.config().maxPositions() - c.sampling().maxNewTokens();
      if (ids.length > room) {
        throw new IllegalArgumentException("problem '" + p.id() + "': its prompt is " + ids.length + " tokens; with"
            + " sampling.max_new_tokens " + c.sampling().maxNewTokens() + " it does not fit the model's"
            + " max_position_embeddings " + policy.config().maxPositions());
      }
      for (int g = 0; g < c.samplesPerPrompt(); g++) {
        prompts.add(ids);
      }
    }
    RunConfig.Sampling s = c.sampling();
    List<Completion> out = new Sampler(policy).generate(prompts,
        new SamplingSettings(s.temperature(), s.topK(), s.topP(), s.maxNewTokens(), tok.stops(), seed(c.seed(), step)),
        (long) firstProblem * c.samplesPerPrompt());
    List<Rollout> rollouts = new ArrayList<>(out.size());
    for (int i = 0; i < out.size(); i++) {
      Problem p = problems.get(i / c.samplesPerPrompt());
      Completion comp = out.get(i);
      Rollout.Builder r = Rollout.newBuilder()
          .setPromptId(p.id())
          .setGroupId(step * c.promptsPerStep() + firstProblem + i / c.samplesPerPrompt())
          .setQuestion(p.question())
          .setReferenceAnswer(p.referenceAnswer())
          .setCompletionText(tok.decode(comp.tokens()))
          .setFinished(comp.finished());
      for (int t : prompts.get(i)) {
        r.addPromptTokens(t);
      }
      for (int j = 0; j < comp.tokens().length; j++) {
        r.addCompletionTokens(comp.tokens()[j]).addSamplingLogprobs(comp.logprobs()[j]);
      }
      Rubric.Builder rubric = Rubric.newBuilder();
      for (Criterion cr : p.rubric().criteria()) {
        rubric.addCriteria(dev.rcsd.io.proto.Criterion.newBuilder().setTitle(cr.title()).setDescription(cr.description())
            .setWeight(cr.weight()));
      }
      rollouts.add(r.setRubric(rubric).build());
    }
    return rollouts;
  }
}
