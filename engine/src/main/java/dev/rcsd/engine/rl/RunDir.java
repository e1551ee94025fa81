package dev.rcsd.engine.rl;

import dev.rcsd.io.AtomicFile;
import dev.rcsd.io.checkpoint.CheckpointInspector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout of a run's folder:
 *
 * <pre>
 *   config.json                  the resolved configuration
 *   metrics.jsonl                one line per step
 *   checkpoints/init.ckpt        the initial model (SFT warm-up or a copy of --init): teacher and reference
 *   checkpoints/step-N.ckpt      training checkpoints after N steps
 *   rollouts/step-N.{sample,score}.rollouts   the batches of the latest update N (sampled by the
 *                                            policy after N - 1 updates; their header's step is N - 1)
 *   eval.json                    the final evaluation on the test split
 * </pre>
 *
 * Every file is written whole under a temporary name and renamed, so after a crash each name
 * holds a complete file or nothing.
 */
public record RunDir(Path root) {
  private static final Pattern STEP = Pattern.compile("step-(\\d+)\\.ckpt");

  public Path config() {
    return root.resolve("config.json");
  }

  public Path metrics() {
    return root.resolve("metrics.jsonl");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path init() {
    return checkpoints().resolve("init.ckpt");
  }

  public Path checkpoint(long step) {
    return checkpoints().resolve("step-" + step + ".ckpt");
  }

  public Path rollouts(long step, String stage) {
    return root.resolve("rollouts").resolve("step-" + step + "." + stage + ".rollouts");
  }

  public Path eval() {
    return root.resolve("eval.json");
  }

  /** Whether the folder holds a run already (its configuration). */
  public boolean exists() {
    return Files.isRegularFile(config());
  }

  /** Step numbers of the training checkpoints present, newest first. */
  public List<Long> checkpointSteps() throws IOException {
    if (!Files.isDirectory(checkpoints())) {
      return List.of();
    }
    List<Long> steps = new ArrayList<>();
    try (Stream<Path> files = Files.list(checkpoints())) {
      files.forEach(f -> {
        Matcher m = STEP.matcher(f.getFileName().toString());
        if (m.matches()) {
          steps.add(Long.parseLong(m.group(1)));
        }
      });
    }
    steps.sort(Comparator.reverseOrder());
    return steps;
  }

  /** The newest checkpoint whose every chunk and footer check out, if any. */
  public Optional<Long> newestCompleteCheckpoint() throws IOException {
    for (long step : checkpointSteps()) {
      try {
        CheckpointInspector.verify(checkpoint(step));
        return Optional.of(step);
      } catch (IOException e) {
        // damaged (e.g. the disk lost it): fall back to an older one
      }
    }
    return Optional.empty();
  }

  /** Removes the temporaries of writes a crash interrupted. */
  public void removePartialFiles() throws IOException {
    for (Path dir : List.of(root, checkpoints(), root.resolve("rollouts"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
  }

  /** Removes every rollout file but those of {@code step}. */
  public void keepRolloutsOf(long step) throws IOException {
    Path dir = root.resolve("rollouts");
    if (!Files.isDirectory(dir)) {
      return;
    }
    String keep = "step-" + step + ".";
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(keep)).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** Writes {@code text} to {@code file} atomically. */
  public static void writeString(Path file, String text) throws IOException {
    try (AtomicFile f = AtomicFile.create(file)) {
      f.stream().write(text.getBytes(StandardCharsets.UTF_8));
      f.commit();
    }
  }
}
