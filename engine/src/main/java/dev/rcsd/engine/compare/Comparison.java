package dev.rcsd.engine.compare;

import dev.rcsd.engine.rl.InitialModel;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.RunDir;
import dev.rcsd.engine.rl.TaskData;
import dev.rcsd.engine.rl.Trainer;
import dev.rcsd.kernels.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Methods against each other on equal terms: one shared initial model (DIR/init.ckpt, the SFT
 * warm-up or a copy of --init), the same steps and rollouts per step for every method, seeds
 * 1..N; each (method, seed) is an ordinary run in DIR/runs/METHOD/seed-S, so an interrupted
 * comparison resumes where it stopped. Writes DIR/report.md and DIR/accuracy.png.
 */
public final class Comparison {
  /** Which runs: {@code overrides} (JSON, may be null) and {@code flags} apply to every method. */
  public record Plan(List<String> methods, int seeds, String overrides, Map<String, Object> flags) {}

  /** What a comparison reports as it goes. */
  public interface Listener extends Trainer.Listener {
    default void run(String method, long seed, int index, int total) {}
  }

  private final Path dir;
  private final Listener listener;
  private final BackendOptions backendOptions;
  private final String producer;

  public Comparison(Path dir, Listener listener, BackendOptions backendOptions, String producer) {
    this.dir = dir;
    this.listener = listener;
    this.backendOptions = backendOptions;
    this.producer = producer;
  }

  public Path init() {
    return dir.resolve("init.ckpt");
  }

  public RunDir run(String method, long seed) {
    return new RunDir(dir.resolve("runs").resolve(method).resolve("seed-" + seed));
  }

  /** Every run's configuration, checked for equal budgets before anything is trained. */
  public Map<String, List<RunConfig>> configs(Plan p) {
    if (p.methods().isEmpty() || p.seeds() < 1) {
      throw new IllegalArgumentException("compare needs at least one method and one seed");
    }
    Map<String, List<RunConfig>> out = new LinkedHashMap<>();
    for (String method : p.methods()) {
      List<RunConfig> seeds = new ArrayList<>();
      for (long s = 1; s <= p.seeds(); s++) {
        Map<String, Object> flags = new LinkedHashMap<>(p.flags());
        flags.put("seed", s);
        flags.put("init", init().toAbsolutePath().toString());
        seeds.add(RunConfig.resolve(method, p.overrides(), flags));
      }
      out.put(method, seeds);
    }
    RunConfig first = out.values().iterator().next().get(0);
    for (List<RunConfig> cs : out.values()) {
      RunConfig c = cs.get(0);
      if (c.steps() != first.steps() || c.rolloutsPerStep() != first.rolloutsPerStep()) {
        throw new IllegalArgumentException("unequal budgets: " + first.method() + " samples " + first.steps() + " x "
            + first.rolloutsPerStep() + " rollouts, " + c.method() + " " + c.steps() + " x " + c.rolloutsPerStep()
            + "; set prompts_per_step and samples_per_prompt so that every method samples as many");
      }
    }
    return out;
  }

  /** Trains (or resumes, or skips when finished) every run, then writes the report and the plot. */
  public List<RunSummary> run(Plan p) throws IOException {
    Map<String, List<RunConfig>> configs = configs(p);
    Files.createDirectories(dir);
    // the shared initial model: the user's --init (flag or configuration), else the warm-up
    RunConfig user = RunConfig.resolve(p.methods().get(0), p.overrides(), p.flags());
    InitialModel.ensure(init(), user, TaskData.load(user), listener, producer);
    List<RunSummary> out = new ArrayList<>();
    int total = configs.values().stream().mapToInt(List::size).sum();
    int index = 0;
    for (List<RunConfig> seeds : configs.values()) {
      for (RunConfig c : seeds) {
        RunDir run = run(c.method(), c.seed());
        listener.run(c.method(), c.seed(), ++index, total);
        if (!Files.isRegularFile(run.eval())) {
          Trainer t = new Trainer(run.root(), listener, backendOptions, producer);
          if (run.exists()) {
            t.resume();
          } else {
            t.start(c);
          }
        }
        out.add(RunSummary.read(run));
      }
    }
    ComparisonReport.write(dir.resolve("report.md"), out);
    AccuracyPlot.write(dir.resolve("accuracy.png"), out);
    return out;
  }
}
