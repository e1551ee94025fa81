package dev.rcsd.spark;

import dev.rcsd.engine.compare.Comparison;
import dev.rcsd.engine.rl.RunConfig;
import dev.rcsd.engine.rl.Trainer;
import dev.rcsd.kernels.BackendOptions;
import dev.rcsd.engine.train.Autograd;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * One run of a comparison as a Spark task: trained (or resumed from its newest checkpoint, when
 * an earlier attempt died) in its folder, which every executor must see at the same path.
 */
record RunTask(String arm, String configJson, String dir, int index, int total, int threads,
    HashMap<String, String> properties, String producer) implements Serializable {

  static RunTask of(Comparison.Job job, BackendOptions options, String producer) {
    return new RunTask(job.arm(), job.config().toJson(), job.dir().toAbsolutePath().toString(), job.index(),
        job.total(), options.threads(), new HashMap<>(options.properties()), producer);
  }

  /** Trains the run; returns its folder. */
  static String run(RunTask t) throws IOException {
    Autograd.offOnThisThread();
    Comparison.Job job = new Comparison.Job(t.arm(), RunConfig.fromJson(t.configJson()), Path.of(t.dir()), t.index(),
        t.total());
    Comparison.train(job, new Trainer.Listener() {}, new BackendOptions(t.threads(), t.properties()), t.producer());
    return t.dir();
  }
}
