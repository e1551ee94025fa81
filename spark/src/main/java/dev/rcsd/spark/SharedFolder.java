package dev.rcsd.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The folder the driver and the executors exchange files through: any Hadoop-compatible file
 * system (a local folder on one machine, HDFS, S3A, ...). Files appear whole or not at all: each is
 * written under a temporary name beside its target and renamed.
 *
 * <pre>
 *   init.ckpt                          the run's initial model: the teacher and the reference
 *   policy/step-S.ckpt                 the policy that samples step S
 *   shards/step-S/shard-K.sample.rollouts, shard-K.score.rollouts   what shard K's task wrote
 * </pre>
 */
final class SharedFolder implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String uri;

  private SharedFolder(String uri) {
    this.uri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  /** A folder named by a URI with a scheme (hdfs://..., file:/...) or by a local path. */
  static SharedFolder of(String location) {
    URI u = URI.create(location.replace(" ", "%20"));
    if (u.getScheme() == null || u.getScheme().length() == 1) { // a path (or a Windows drive letter)
      return new SharedFolder(java.nio.file.Path.of(location).toAbsolutePath().normalize().toUri().toString());
    }
    return new SharedFolder(location);
  }

  String uri() {
    return uri;
  }

  /** Where {@code name} lies: the folder's URI and the name. */
  String where(String name) {
    return uri + "/" + name;
  }

  private Path path(String name) {
    return new Path(where(name));
  }

  private FileSystem fs() throws IOException {
    return FileSystem.get(URI.create(uri), new Configuration());
  }

  boolean exists(String name) throws IOException {
    return fs().exists(path(name));
  }

  long length(String name) throws IOException {
    return fs().getFileStatus(path(name)).getLen();
  }

  /** Copies the local file {@code from} to {@code name}, replacing what was there. */
  void put(java.nio.file.Path from, String name) throws IOException {
    FileSystem fs = fs();
    Path target = path(name);
    Path partial = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".partial");
    try {
      fs.copyFromLocalFile(false, true, new Path(from.toAbsolutePath().toUri()), partial);
      fs.delete(target, false);
      if (!fs.rename(partial, target)) {
        throw new IOException("could not rename " + partial + " to " + target);
      }
    } finally {
      fs.delete(partial, false);
      // the checksum file of the local file system's copy
      fs.delete(new Path(partial.getParent(), "." + partial.getName() + ".crc"), false);
    }
  }

  /**
   * {@code name} as a local file: the file itself on a local file system, else a copy in this
   * machine's cache (made again when the shared file's length or time changed).
   */
  java.nio.file.Path local(String name) throws IOException {
    Path p = path(name);
    if ("file".equals(p.toUri().getScheme())) {
      java.nio.file.Path file = java.nio.file.Path.of(p.toUri());
      if (!Files.isRegularFile(file)) {
        throw new java.io.FileNotFoundException(file + " does not exist");
      }
      return file;
    }
    FileSystem fs = fs();
    FileStatus status = fs.getFileStatus(p);
    java.nio.file.Path cache = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "rcsd-spark-cache",
        Integer.toHexString(where(name).hashCode()) + "-" + status.getLen() + "-" + status.getModificationTime());
    java.nio.file.Path file = cache.resolve(p.getName());
    if (!Files.isRegularFile(file)) {
      Files.createDirectories(cache);
      java.nio.file.Path partial = cache.resolve(p.getName() + "." + UUID.randomUUID() + ".partial");
      try (InputStream in = fs.open(p)) {
        Files.copy(in, partial);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(partial);
      }
    }
    return file;
  }

  /** Removes {@code name} (a folder with what it holds); absent is fine. */
  void delete(String name) throws IOException {
    fs().delete(path(name), true);
  }
}
