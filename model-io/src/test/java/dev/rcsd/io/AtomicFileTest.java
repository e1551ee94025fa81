package dev.rcsd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void commitReplacesTheTargetAndLeavesNoTemporary() throws IOException {
    Path target = dir.resolve("a.bin");
    Files.write(target, new byte[] {1});
    try (AtomicFile f = AtomicFile.create(target)) {
      f.stream().write(new byte[] {2, 3});
      f.commit();
    }
    assertArrayEquals(new byte[] {2, 3}, Files.readAllBytes(target));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void aFailedWriteKeepsThePreviousFile() throws IOException {
    Path target = dir.resolve("a.bin");
    Files.write(target, new byte[] {1});
    assertThrows(IOException.class, () -> {
      try (AtomicFile f = AtomicFile.create(target)) {
        f.stream().write(new byte[1 << 21]);
        throw new IOException("interrupted");
      }
    });
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(target));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void anUncommittedNewFileNeverAppears() throws IOException {
    Path target = dir.resolve("sub/new.bin");
    try (AtomicFile f = AtomicFile.create(target)) {
      f.stream().write(42);
    }
    assertFalse(Files.exists(target));
  }

  @Test
  void aNewFileIsReadableByOthersAndAReplacedOneKeepsItsPermissions() throws IOException {
    Path target = dir.resolve("p.bin");
    try (AtomicFile f = AtomicFile.create(target)) {
      f.stream().write(1);
      f.commit();
    }
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(target)));
    Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (AtomicFile f = AtomicFile.create(target)) {
      f.stream().write(2);
      f.commit();
    }
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(target)));
  }
}
