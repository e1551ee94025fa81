package dev.rcsd.cli;

import dev.rcsd.engine.cluster.Cluster;
import dev.rcsd.engine.eval.Evaluation;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunStoppedException;
import dev.rcsd.engine.rl.StepStats;
import dev.rcsd.engine.rl.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code rcsd train}: one training run of GRPO, OPSD, RCSD or rcsd-criteria, or the resumption of one. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train with GRPO, OPSD, RCSD or rcsd-criteria. Without --init the built-in tiny model is first"
        + " warmed up by SFT. RUN_DIR receives config.json, metrics.jsonl, checkpoints/ and eval.json.",
        "Configuration: the method's embedded defaults, then --config, then the flags."})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--method", paramLabel = "M", description = "grpo, opsd, rcsd or rcsd-criteria.")
  String method;

  @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "The run's folder.")
  Path out;

  @Option(names = "--steps", paramLabel = "N", description = "Update steps (default 60).")
  Integer steps;

  @Option(names = "--seed", paramLabel = "S", description = "Seeds sampling and the order of problems (default 1).")
  Long seed;

  @Option(names = "--config", paramLabel = "FILE.json",
      description = "Overrides of the defaults, e.g. {\"loss\": {\"top_k\": 10}}; see config.json of any run.")
  Path config;

  @Option(names = "--init", paramLabel = "CKPT", description = "Initial model (.ckpt or Hugging Face folder) instead of"
      + " the SFT warm-up.")
  Path init;

  @Option(names = "--data", paramLabel = "DIR|FILE", description = "train.jsonl and test.jsonl from 'rcsd data"
      + " generate', or a rubric dataset (.jsonl or .parquet, RubricHub/RaR-style), instead of the built-in generator.")
  Path data;

  @Option(names = "--lora", paramLabel = "r=R,alpha=A,targets=P,Q", description = "Train LoRA adapters only, e.g."
      + " r=16,alpha=32,targets=q_proj,v_proj (the frozen base stays the teacher and the reference).")
  String lora;

  @Option(names = "--backend", paramLabel = "NAME", description = "Kernel backend of the update (default simd; see"
      + " 'rcsd kernels backends').")
  String backend;

  @Option(names = "--resume", description = "Continue the run in RUN_DIR from its newest complete checkpoint.")
  boolean resume;

  @Option(names = "--spark-dir", paramLabel = "URI", description = "With --spark: the folder the driver and the"
      + " executors share checkpoints and rollout shards through, any Hadoop file system (default RUN_DIR/spark).")
  String sparkDir;

  @Mixin BackendChoice choice;

  @Mixin DeviceChoice deviceChoice;

  @Mixin SparkChoice spark;

  @Override
  public Integer call() throws IOException {
    deviceChoice.apply();
    if (sparkDir != null && spark.master == null) {
      throw new ParameterException(spec.commandLine(), "--spark-dir needs --spark");
    }
    Trainer trainer;
    Trainer.Result r;
    PrintWriter log = spec.commandLine().getOut();
    try (StopSignals signals = StopSignals.install(spec.commandLine().getErr());
        Progress progress = new Progress(log, signals);
        Cluster cluster = spark.connect("rcsd train " + out.getFileName())) {
      trainer = new Trainer(out, progress, choice.options(), Rcsd.producer(),
          cluster == null ? null : cluster.rollouts(sparkDir));
      if (resume) {
        if (method != null || steps != null || seed != null || config != null || init != null || data != null
            || backend != null) {
          throw new ParameterException(spec.commandLine(), "--resume takes the run's own config.json; give only --out"
              + " (and backend options)");
        }
        r = run(trainer::resume, signals);
        if (r == null) {
          return signals.exitCode();
        }
      } else {
        if (method == null && config == null) {
          throw new ParameterException(spec.commandLine(), "give --method (or a --config naming one)");
        }
        RunConfig c = resolve();
        r = run(() -> trainer.start(c), signals);
        if (r == null) {
          return signals.exitCode();
        }
      }
    }
    log.printf(Locale.ROOT, "%s: %s after %d steps: test accuracy %.3f (initial model %.3f), mean rubric score %.3f"
        + " (%.3f), %d problems; train-split accuracy %.3f (%.3f)%n", out, r.config().method(), r.config().steps(),
        r.fin().accuracy(), r.initial().accuracy(), r.fin().meanRubricScore(), r.initial().meanRubricScore(),
        r.fin().problems(), r.finTrain().accuracy(), r.initialTrain().accuracy());
    if (r.finSampled() != null) {
      log.printf(Locale.ROOT, "%s: sampled test accuracy (avg@%d, T %s) %.3f (initial model %.3f), pass@%d %.3f (%.3f)%n",
          out, r.finSampled().samples(), r.config().evalSampling().temperature(), r.finSampled().accuracy(),
          r.initialSampled().accuracy(), r.finSampled().samples(), r.finSampled().passAtSamples(),
          r.initialSampled().passAtSamples());
    }
    log.flush();
    return 0;
  }

  /** A training call, or null when a signal stopped it (the message is on stderr). */
  private Trainer.Result run(TrainingCall call, StopSignals signals) throws IOException {
    try {
      return call.run();
    } catch (RunStoppedException e) {
      spec.commandLine().getErr().println("rcsd: " + e.getMessage());
      return null;
    }
  }

  @FunctionalInterface
  interface TrainingCall {
    Trainer.Result run() throws IOException;
  }

  /** r=16,alpha=32,targets=q_proj,v_proj as the configuration's lora object. */
  static Map<String, Object> lora(String spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> targets = new ArrayList<>();
    String key = null;
    for (String part : spec.split(",")) {
      int eq = part.indexOf('=');
      String value = part.substring(eq + 1).strip();
      if (eq > 0) {
        key = part.substring(0, eq).strip();
      } else if (!"targets".equals(key)) {
        throw new IllegalArgumentException("--lora: '" + part + "' is not KEY=VALUE (r, alpha, targets)");
      }
      try {
        switch (key) {
          case "r", "rank" -> out.put("rank", Integer.parseInt(value));
          case "alpha" -> out.put("alpha", Double.parseDouble(value));
          case "targets" -> {
            targets.add(value);
            out.put("targets", targets);
          }
          default -> throw new IllegalArgumentException("--lora: unknown key '" + key + "' (r, alpha, targets)");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--lora: " + key + " '" + value + "' is not a number");
      }
    }
    return out;
  }

  private RunConfig resolve() throws IOException {
    Map<String, Object> flags = new LinkedHashMap<>();
    if (steps != null) {
      flags.put("steps", steps);
    }
    if (seed != null) {
      flags.put("seed", seed);
    }
    if (init != null) {
      flags.put("init", init.toAbsolutePath().toString());
    }
    if (data != null) {
      flags.put("data", data.toAbsolutePath().toString());
    }
    if (backend != null) {
      flags.put("backend", backend);
    }
    if (lora != null) {
      flags.put("lora", lora(lora));
    }
    String json = config == null ? null : Files.readString(config);
    try {
      return RunConfig.resolve(method, json, flags);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((config == null ? "" : config + ": ") + e.getMessage(), e);
    }
  }

  /** The run's phases as progress bars on a terminal, log lines otherwise. */
  static final class Progress implements Trainer.Listener, AutoCloseable {
    private final PrintWriter log;
    private final StopSignals signals;
    private StepProgress bar;

    Progress(PrintWriter log, StopSignals signals) {
      this.log = log;
      this.signals = signals;
    }

    @Override
    public boolean stopRequested() {
      return signals != null && signals.requested();
    }

    @Override
    public void phase(String name, long done, int total) {
      close();
      if (name.equals("evaluation")) {
        log.println("evaluating on the test split...");
        log.flush();
      } else {
        bar = StepProgress.start(name, done, total, log);
      }
    }

    @Override
    public void warmupStep(int step, double loss, double lr, double tokensPerSecond) {
      bar.step(step + 1, String.format(Locale.ROOT, "loss %.4f lr %.1e %.0f tok/s", loss, lr, tokensPerSecond));
    }

    @Override
    public void step(StepStats s, Evaluation.Report eval) {
      String message = String.format(Locale.ROOT, "reward %.3f loss %.4f kl %.4f %.0f tok/s", s.reward(), s.loss(),
          s.kl(), s.tokens() / s.seconds());
      if (eval != null) {
        message += String.format(Locale.ROOT, " eval acc %.3f", eval.accuracy());
      }
      bar.step((int) s.step(), message);
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
