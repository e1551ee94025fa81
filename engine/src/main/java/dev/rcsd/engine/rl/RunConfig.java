package dev.rcsd.engine.rl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.engine.model.Lora;
import dev.rcsd.engine.sft.Warmup;
import dev.rcsd.engine.task.DataFields;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.train.AdamWSettings;
import dev.rcsd.kernels.LossParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run needs, resolved once (embedded defaults per method, then a JSON
 * file, then flags) and written to RUN_DIR/config.json. Nothing reads system properties.
 *
 * @param method grpo, opsd, rcsd or rcsd-criteria
 * @param promptsPerStep problems per step; times {@code samplesPerPrompt} is the rollout budget
 * @param sampling how completions are drawn
 * @param loss the kernel's scalars (temperature, beta, top-k, clips, GRPO clips, KL coefficient)
 * @param grpo GRPO's options
 * @param opsd OPSD's options
 * @param criteria rcsd-criteria's options
 * @param reward "correct" (final answer) or "rubric" (weighted rubric score)
 * @param teacherTopK how many of the teacher's tokens a rollout keeps per position (0: all of them;
 *     RCSD keeps its loss's top-k, which is exact for that loss)
 * @param backend the kernel backend
 * @param checkpointEvery steps between checkpoints (the last step always writes one)
 * @param evalEvery steps between evaluations on the first {@code evalProblems} test problems (0: never)
 * @param init the initial checkpoint; "" trains one with {@code warmup}
 * @param warmup the SFT warm-up used when no initial checkpoint is given
 * @param data a folder with train.jsonl, test.jsonl (and tokenizer.json); a rubric dataset file
 *     (.jsonl or .parquet, {@link dev.rcsd.engine.task.RubricDataset}), split into {@code testProblems}
 *     held-out problems by a seeded shuffle and the rest; or "" for the built-in generator
 * @param dataSeed the built-in generator's seed
 * @param trainProblems the built-in generator's train split size
 * @param testProblems the built-in generator's test split size
 * @param reduction how rcsd and opsd pool per-token losses: token-mean (over all tokens of the
 *     step) or seq-mean-token-mean (each sequence's token mean, then the mean over sequences, as
 *     the released RCSD); GRPO has grpo.aggregation, rcsd-criteria always pools tokens
 * @param lora LoRA adapters to train instead of every weight (rank 0: full fine-tuning); the
 *     frozen base is then both the teacher and the KL reference, as it always is
 * @param reasonFirst the released RCSD's reason-first teacher for the rubric and reference contexts
 * @param update how the update stage computes the loss: in chunks of rows (the default) or on
 *     every position's logits at once
 * @param strictAnswers grade final answers as text only (up to spacing) instead of as numbers with
 *     units where the reference is one
 * @param maskThinkingTokens leave the completion's thinking ({@code <think>} to {@code </think>}) out of
 *     the loss, as the released RCSD can; the tokenizer must have both tokens
 * @param judge the judge model that grades criteria no programmatic check decides
 * @param chatTemplateVariables variables of the model's chat template, e.g. {@code enable_thinking}
 * @param dataFields the names of a rubric dataset's fields when {@code data} is a .jsonl or
 *     .parquet file
 * @param shardPrompts problems per rollout shard (0: all of a step's in one shard). A step's
 *     sample and score stages run shard by shard, in this process or as one cluster task per shard
 *     ({@code train --spark}); the rollouts depend on this number, never on how many executors run them
 * @param rlKeysPercent the built-in generator's share (percent) of (template, numbers) keys kept
 *     for the train split that RL samples, away from the SFT warm-up's problems (0: one train split
 *     for both)
 * @param evalSampling the final evaluation's sampled decoding beside the greedy one (samples 0:
 *     greedy only)
 */
public record RunConfig(
    String method,
    int steps,
    long seed,
    int promptsPerStep,
    int samplesPerPrompt,
    Sampling sampling,
    LossParams loss,
    Grpo grpo,
    Opsd opsd,
    Criteria criteria,
    String reward,
    int teacherTopK,
    Optimizer optimizer,
    String backend,
    int checkpointEvery,
    int evalEvery,
    int evalProblems,
    String init,
    Warmup warmup,
    PromptTemplates prompts,
    String data,
    long dataSeed,
    int trainProblems,
    int testProblems,
    String reduction,
    LoraSettings lora,
    ReasonFirst reasonFirst,
    Update update,
    DataFields dataFields,
    boolean strictAnswers,
    Map<String, Object> chatTemplateVariables,
    boolean maskThinkingTokens,
    JudgeSettings judge,
    int shardPrompts,
    int rlKeysPercent,
    EvalSampling evalSampling) {

  public static final List<String> METHODS = List.of("grpo", "opsd", "rcsd", "rcsd-criteria");
  public static final String TOKEN_MEAN = "token-mean";
  public static final String SEQ_MEAN_TOKEN_MEAN = "seq-mean-token-mean";

  public record Sampling(float temperature, int topK, float topP, int maxNewTokens) {}

  /**
   * @param scaleRewards divide group advantages by their standard deviation (false: Dr. GRPO)
   * @param aggregation token-mean, seq-mean-token-mean or dr_grpo
   */
  public record Grpo(boolean scaleRewards, String aggregation) {}

  /**
   * @param mode full (JSD over the vocabulary), topk (over the teacher's top-k), token (log-ratio
   *     advantage) or released (the RCSD authors' OPSD: RCSD's clipped top-k forward KL, reference as context)
   */
  public record Opsd(String mode, int topK) {}

  /** @param outcomeMix weight of the group outcome advantage added to the rubric advantage */
  public record Criteria(double outcomeMix) {}

  /**
   * The held-out evaluation as the RCSD authors run theirs: {@code samples} completions per problem
   * at temperature 0.6, top-p 0.95 and top-k 20, accuracy averaged over them (avg@n), beside the
   * greedy evaluation; the final and the initial models draw the same random streams.
   *
   * @param samples completions per problem (0: no sampled evaluation)
   */
  public record EvalSampling(int samples, float temperature, int topK, float topP) {
    public static final EvalSampling OFF = new EvalSampling(0, 0.6f, 20, 0.95f);

    public EvalSampling {
      if (samples < 0 || !(temperature > 0) || topK < 0 || !(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("eval_sampling: samples >= 0, temperature > 0, top_k >= 0 and top_p in"
            + " (0, 1] (got " + samples + ", " + temperature + ", " + topK + ", " + topP + ")");
      }
    }

    /** The decoding of the evaluation (seeded with the run's data seed). */
    public Evaluation.Decoding decoding(long seed) {
      return new Evaluation.Decoding(samples, temperature, topK, topP, seed);
    }
  }

  /**
   * @param rank r; 0 trains every weight instead
   * @param alpha the update's scale numerator (alpha / r)
   * @param targets projections that get adapters (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)
   */
  public record LoraSettings(int rank, double alpha, List<String> targets) {
    public static final LoraSettings OFF = new LoraSettings(0, 32, List.of("q_proj", "v_proj"));

    public LoraSettings {
      if (rank < 0) {
        throw new IllegalArgumentException("lora.rank = " + rank + " must be >= 0 (0: no adapters)");
      }
      targets = List.copyOf(targets);
      if (rank > 0) {
        new Lora(rank, alpha, targets); // names what is wrong
      }
    }

    /** The adapters, or null for full fine-tuning. */
    public Lora adapters() {
      return rank == 0 ? null : new Lora(rank, alpha, targets);
    }
  }

  /**
   * The teacher first samples its own analysis of the privileged context (prompt
   * {@code prompts.rubric_analysis} or {@code prompts.reference_analysis}) with the run's sampling
   * settings, then scores the completion after {@code analysis prompt + analysis + prompts.transition};
   * the analysis is stored in the rollout file and takes no loss.
   *
   * @param enabled on for the rubric (rcsd) and reference (opsd) teachers
   * @param maxTokens the longest analysis
   */
  public record ReasonFirst(boolean enabled, int maxTokens) {
    public static final ReasonFirst OFF = new ReasonFirst(false, 128);

    public ReasonFirst {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("reason_first.max_tokens = " + maxTokens + " must be >= 1");
      }
    }
  }

  /**
   * The update stage's loss path.
   *
   * @param path {@code chunked} (logits of a chunk of completion rows at a time, from the hidden
   *     states: never [tokens, vocabulary]) or {@code full-logits} (every position's logits at once,
   *     the path before chunking, kept to compare against)
   * @param chunkRows completion rows per chunk; 0 derives them from {@code logitsBudgetMb}
   * @param logitsBudgetMb what one chunk's [rows, V] float arrays may take together, in MiB
   * @param microBatch sequences per forward pass with autograd (0: all of the step's at once); the
   *     gradients of the passes add up. The activations of a pass (attention is [heads, T, T] per
   *     sequence and layer) bound the update's memory once the logits no longer do.
   */
  public record Update(String path, int chunkRows, int logitsBudgetMb, int microBatch) {
    public static final String CHUNKED = "chunked";
    public static final String FULL_LOGITS = "full-logits";
    public static final Update DEFAULTS = new Update(CHUNKED, 0, 512, 0);
    /**
     * [rows, V] float arrays a chunk holds at once, besides one per teacher context: the logits in
     * PyTorch and in Java, the gradient in Java and in PyTorch, and a method's working copy.
     */
    static final int ARRAYS_PER_ROW = 5;

    public Update {
      if (!path.equals(CHUNKED) && !path.equals(FULL_LOGITS)) {
        throw new IllegalArgumentException("update.path '" + path + "' is not " + CHUNKED + " or " + FULL_LOGITS);
      }
      if (chunkRows < 0 || logitsBudgetMb < 1 || microBatch < 0) {
        throw new IllegalArgumentException("update.chunk_rows >= 0, update.logits_budget_mb >= 1 and"
            + " update.micro_batch >= 0");
      }
    }

    /** Rows per chunk for a vocabulary of {@code vocab} and {@code contexts} teacher contexts. */
    public int chunkRows(int vocab, int contexts) {
      if (chunkRows > 0) {
        return chunkRows;
      }
      long perRow = (long) vocab * Float.BYTES * (ARRAYS_PER_ROW + contexts);
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ((long) logitsBudgetMb << 20) / perRow));
    }
  }

  /**
   * The judge of criteria without a programmatic check.
   *
   * @param enabled grade them with a judge (otherwise only criteria that name numbers are graded)
   * @param model the judge: a checkpoint or Hugging Face folder; "" for the run's frozen initial model
   * @param prompt the yes/no question: {question}, {response}, {criterion}
   * @param yes the answer whose probability is the score (one token of the judge's tokenizer)
   * @param no the other answer
   */
  public record JudgeSettings(boolean enabled, String model, String prompt, String yes, String no) {
    public static final JudgeSettings OFF = new JudgeSettings(false, "",
        "Question: {question}\nResponse: {response}\nCriterion: {criterion}\nDoes the response satisfy the"
            + " criterion? Answer Yes or No.", "Yes", "No");
  }

  public record Optimizer(double learningRate, int warmupSteps, String decay, double minRatio, double weightDecay,
      double maxGradNorm) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public RunConfig {
    if (lora == null) { // configurations written before adapters existed
      lora = LoraSettings.OFF;
    }
    if (reasonFirst == null) { // nor reason-first teachers
      reasonFirst = ReasonFirst.OFF;
    }
    judge = judge == null ? JudgeSettings.OFF : judge;
    chatTemplateVariables = chatTemplateVariables == null ? Map.of() : Map.copyOf(chatTemplateVariables);
    if (dataFields == null) { // nor rubric datasets
      dataFields = DataFields.DEFAULTS;
    }
    if (evalSampling == null) { // nor sampled evaluations
      evalSampling = EvalSampling.OFF;
    }
    if (update == null) { // nor chunked updates
      update = Update.DEFAULTS;
    }
    if (reduction == null) { // nor a reduction
      reduction = TOKEN_MEAN;
    }
    if (!reduction.equals(TOKEN_MEAN) && !reduction.equals(SEQ_MEAN_TOKEN_MEAN)) {
      throw new IllegalArgumentException("reduction '" + reduction + "' is not " + TOKEN_MEAN + " or "
          + SEQ_MEAN_TOKEN_MEAN);
    }
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("method '" + method + "' is not one of " + METHODS);
    }
    if (steps < 1 || promptsPerStep < 1 || samplesPerPrompt < 1) {
      throw new IllegalArgumentException("steps, prompts_per_step and samples_per_prompt must be >= 1");
    }
    if (method.equals("grpo") && samplesPerPrompt < 2) {
      throw new IllegalArgumentException("grpo needs samples_per_prompt >= 2 to normalise rewards within a group");
    }
    if (!List.of(TOKEN_MEAN, SEQ_MEAN_TOKEN_MEAN, "dr_grpo").contains(grpo.aggregation())) {
      throw new IllegalArgumentException("grpo.aggregation '" + grpo.aggregation()
          + "' is not token-mean, seq-mean-token-mean or dr_grpo");
    }
    if (!List.of("full", "topk", "token", "released").contains(opsd.mode())) {
      throw new IllegalArgumentException("opsd.mode '" + opsd.mode() + "' is not full, topk, token or released");
    }
    if (!reward.equals("correct") && !reward.equals("rubric")) {
      throw new IllegalArgumentException("reward '" + reward + "' is not correct or rubric");
    }
    if (checkpointEvery < 1 || evalEvery < 0 || evalProblems < 0 || teacherTopK < 0) {
      throw new IllegalArgumentException("checkpoint_every >= 1, eval_every >= 0, eval_problems >= 0, teacher_top_k >= 0");
    }
    if (data.isEmpty() && (trainProblems < 1 || testProblems < 1)) {
      throw new IllegalArgumentException("train_problems and test_problems must be >= 1");
    }
    if (shardPrompts < 0) {
      throw new IllegalArgumentException("shard_prompts = " + shardPrompts + " must be >= 0 (0: one shard per step)");
    }
    if (sampling.maxNewTokens() < 1 || !(sampling.temperature() > 0)) {
      throw new IllegalArgumentException("sampling: max_new_tokens >= 1 and temperature > 0 (training samples)");
    }
  }

  /**
   * The embedded defaults of a method. RCSD as released where the release does not depend on model
   * scale: the reason-first rubric teacher, sampling at T 1.2 with top-k 20 and top-p 0.95, the loss
   * at T 1.2 over the teacher's top-20 with the 0.05 clip, sequence-mean reduction, one sample per
   * prompt (the optimizer, LoRA and step count of an 8B run are in configs/rcsd-released.json).
   * GRPO with DAPO's clip-higher and 8 prompts x 4 samples, so that every method samples 32
   * rollouts per step.
   */
  public static RunConfig defaults(String method) {
    boolean grpo = method.equals("grpo");
    boolean rcsd = method.equals("rcsd");
    LossParams loss = new LossParams(rcsd ? 1.2f : 1f, 0.5f, 20, 0.05f, 1f, 0.2f, 0.28f, 0f);
    return new RunConfig(method, 60, 1, grpo ? 8 : 32, grpo ? 4 : 1, rcsd ? new Sampling(1.2f, 20, 0.95f, 160) : new Sampling(1f, 0, 1f, 160), loss,
        new Grpo(true, "token-mean"), new Opsd("full", 20), new Criteria(0.0), "correct", rcsd ? 20 : 0,
        new Optimizer(5e-5, 5, "constant", 1.0, 0.0, 1.0), "simd", 20, 20, 200, "", Warmup.DEFAULTS,
        PromptTemplates.DEFAULTS, "", 1, 40_000, 400, rcsd ? SEQ_MEAN_TOKEN_MEAN : TOKEN_MEAN, LoraSettings.OFF,
        new ReasonFirst(rcsd, ReasonFirst.OFF.maxTokens()), Update.DEFAULTS, DataFields.DEFAULTS, false, Map.of(), false,
        JudgeSettings.OFF, 0, 0, EvalSampling.OFF);
  }

  /** The defaults of {@code method} overridden by the fields present in {@code json}. */
  public static RunConfig resolve(String method, String json) {
    return resolve(method, json, Map.of());
  }

  /**
   * The defaults of the method (the flag's, else the file's), overridden by the fields present in
   * {@code json}, then by {@code flags} (top-level fields such as steps, seed, init).
   */
  public static RunConfig resolve(String method, String json, Map<String, ?> flags) {
    return resolve(method, java.util.Arrays.asList(json), flags);
  }

  /**
   * As {@link #resolve(String, String, Map)} with several JSON files applied in order (null or
   * blank ones skipped); without a method flag the last layer that names one decides.
   */
  public static RunConfig resolve(String method, List<String> layers, Map<String, ?> flags) {
    try {
      List<ObjectNode> overrides = new java.util.ArrayList<>();
      String named = null;
      for (String json : layers) {
        if (json == null || json.isBlank()) {
          continue;
        }
        JsonNode override = JSON.readTree(json);
        if (!override.isObject()) {
          throw new IllegalArgumentException("a configuration must be a JSON object");
        }
        overrides.add((ObjectNode) override);
        named = override.has("method") ? override.get("method").asText() : named;
      }
      if (method == null && named == null) {
        throw new IllegalArgumentException("no method given (--method or \"method\" in the configuration)");
      }
      ObjectNode base = (ObjectNode) JSON.valueToTree(defaults(method == null ? named : method));
      for (ObjectNode override : overrides) {
        merge(base, override);
      }
      if (method != null) {
        base.put("method", method);
      }
      merge(base, (ObjectNode) JSON.valueToTree(flags));
      return JSON.treeToValue(base, RunConfig.class);
    } catch (IOException e) {
      throw invalid(e);
    }
  }

  private static void merge(ObjectNode base, ObjectNode override) {
    merge(base, override, "");
  }

  /** Fields whose value is a map of the user's own keys: an override replaces it, key by key. */
  private static final java.util.Set<String> FREE_FORM = java.util.Set.of("chat_template_variables");

  private static void merge(ObjectNode base, ObjectNode override, String path) {
    override.fields().forEachRemaining(e -> {
      JsonNode b = base.get(e.getKey());
      if (path.isEmpty() && FREE_FORM.contains(e.getKey())) {
        if (!e.getValue().isObject()) {
          throw new IllegalArgumentException("configuration field '" + e.getKey() + "' must be a JSON object");
        }
        ObjectNode merged = b != null && b.isObject() ? (ObjectNode) b : base.putObject(e.getKey());
        merged.setAll((ObjectNode) e.getValue());
        base.set(e.getKey(), merged);
        return;
      }
      if (b == null) {
        throw new IllegalArgumentException("unknown configuration field '" + path + e.getKey() + "'");
      }
      if (b.isObject() && e.getValue().isObject()) {
        merge((ObjectNode) b, (ObjectNode) e.getValue(), path + e.getKey() + ".");
      } else {
        base.set(e.getKey(), e.getValue());
      }
    });
  }

  /** AdamW with PyTorch's betas and eps and this run's weight decay and gradient clip. */
  public AdamWSettings adamW() {
    AdamWSettings d = AdamWSettings.DEFAULTS;
    return new AdamWSettings(d.beta1(), d.beta2(), d.eps(), optimizer.weightDecay(), optimizer.maxGradNorm());
  }

  /** Problems per rollout shard: {@code shard_prompts}, at most a step's, all of them when 0. */
  public int promptsPerShard() {
    return shardPrompts == 0 ? promptsPerStep : Math.min(shardPrompts, promptsPerStep);
  }

  /** Rollouts sampled per step. */
  public int rolloutsPerStep() {
    return promptsPerStep * samplesPerPrompt;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RunConfig fromJson(String json) {
    try {
      return JSON.readValue(json, RunConfig.class);
    } catch (IOException e) {
      throw invalid(e);
    }
  }

  /** The constructor's own complaint where it made one, else Jackson's, without the source excerpt. */
  private static IllegalArgumentException invalid(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException iae) {
        return new IllegalArgumentException("configuration: " + iae.getMessage(), e);
      }
    }
    String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return new IllegalArgumentException("configuration: " + message, e);
  }
}
