package dev.rcsd.bench;

import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.sample.Completion;
import dev.rcsd.engine.sample.Sampler;
import dev.rcsd.engine.sample.SamplingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Generation of {@code newTokens} tokens for a batch of {@code batch} prompts with the built-in
 * tiny model, with the KV cache and recomputing the whole prefix at each step. tokens/s = batch *
 * newTokens / time; the ratio of the two rows is the cache's speed-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class SamplingBenchmark {
  @Param({"true", "false"})
  public boolean cache;

  @Param({"16"})
  public int batch;

  @Param({"256"})
  public int newTokens;

  @Param({"48"})
  public int promptTokens;

  private PolicyModel model;
  private Sampler sampler;
  private List<int[]> prompts;
  private SamplingSettings settings;

  @Setup(Level.Trial)
  public void setUp() {
    model = PolicyModel.random(ModelConfig.tiny(128, 1, 2), 1);
    sampler = new Sampler(model);
    SplittableRandom rnd = new SplittableRandom(1);
    prompts = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      int[] p = new int[promptTokens - b % 8];
      for (int i = 0; i < p.length; i++) {
        p[i] = 3 + rnd.nextInt(120);
      }
      prompts.add(p);
    }
    // no stop tokens: every completion runs to newTokens, so the work is the same on both rows
    settings = new SamplingSettings(1f, 0, 1f, newTokens, Set.of(), 7);
  }

  @Benchmark
  public List<Completion> generate() {
    return cache ? sampler.generate(prompts, settings) : sampler.generateWithoutCache(prompts, settings);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }
}
