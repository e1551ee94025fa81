package dev.rcsd.io.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.RecordFileWriter;
import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.CheckpointRecord;
import dev.rcsd.io.proto.DType;
import dev.rcsd.io.proto.Footer;
import dev.rcsd.io.proto.TensorBegin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointFormatTest {
  @TempDir Path dir;

  /** Reads every tensor back, whole. */
  static Map<TensorInfo, byte[]> readAll(Path file) throws IOException {
    Map<TensorInfo, byte[]> got = new java.util.LinkedHashMap<>();
    try (CheckpointReader r = CheckpointReader.open(file)) {
      for (TensorInfo t; (t = r.next()) != null; ) {
        ByteBuffer b = r.readAll();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        got.put(t, bytes);
      }
    }
    return got;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 64, 4 << 20})
  void roundTripsEveryDtypeWithAnyChunkSize(int chunkBytes) throws IOException {
    Map<TensorInfo, byte[]> tensors = Checkpoints.tensors(1);
    Path file = dir.resolve("a.ckpt");
    Checkpoints.write(file, chunkBytes, tensors);
    Map<TensorInfo, byte[]> got = readAll(file);
    assertEquals(List.copyOf(tensors.keySet()), List.copyOf(got.keySet()));
    for (TensorInfo t : tensors.keySet()) {
      assertArrayEquals(tensors.get(t), got.get(t), t.toString());
    }
    try (CheckpointReader r = CheckpointReader.open(file)) {
      CheckpointHeader h = r.header();
      assertEquals(Checkpoints.CONFIG, h.getConfigJson());
      assertEquals(42, h.getTraining().getStep());
      assertEquals(17, h.getTraining().getDataCursor().getPosition());
      assertEquals("adamw", h.getTraining().getOptimizer().getName());
      assertEquals(chunkBytes, h.getChunkBytes());
    }
  }

  @Test
  void streamsATensorChunkByChunkWithOffsets() throws IOException {
    byte[] data = new byte[100_003];
    new java.util.Random(5).nextBytes(data);
    Path file = dir.resolve("big.ckpt");
    try (CheckpointWriter w = CheckpointWriter.create(file, Checkpoints.header(1000))) {
      w.writeTensor(TensorInfo.parameter("w", DType.I32, 1, 100_003 / 4), ByteBuffer.wrap(data, 0, 100_000));
      w.commit();
    }
    byte[] back = new byte[100_000];
    List<Long> offsets = new ArrayList<>();
    try (CheckpointReader r = CheckpointReader.open(file)) {
      r.next();
      r.read((chunk, offset) -> {
        offsets.add(offset);
        System.arraycopy(chunk, 0, back, (int) offset, chunk.length);
      });
      assertNull(r.next());
    }
    assertEquals(100, offsets.size());
    assertEquals(99_000L, offsets.get(99));
    assertArrayEquals(java.util.Arrays.copyOf(data, 100_000), back);
  }

  @Test
  void floatsRoundTrip() throws IOException {
    float[] values = {1f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, 3.5e-42f};
    Path file = dir.resolve("f.ckpt");
    try (CheckpointWriter w = CheckpointWriter.create(file, Checkpoints.header(3))) {
      w.writeFloats(TensorInfo.parameter("x", DType.F32, 5), values);
      w.commit();
    }
    try (CheckpointReader r = CheckpointReader.open(file)) {
      r.next();
      float[] back = r.readFloats();
      for (int i = 0; i < values.length; i++) {
        assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]));
      }
    }
  }

  private FormatException refused(Path file) {
    return assertThrows(FormatException.class, () -> readAll(file));
  }

  @Test
  void aFlippedByteAnywhereIsDetected() throws IOException {
    Path file = dir.resolve("a.ckpt");
    Checkpoints.write(file, 64, Checkpoints.tensors(2));
    byte[] good = Files.readAllBytes(file);
    for (int pos = 0; pos < good.length; pos += 3) {
      byte[] bad = good.clone();
      bad[pos] ^= 0x10;
      Path f = dir.resolve("flip.ckpt");
      Files.write(f, bad);
      FormatException e = refused(f);
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
  }

  @Test
  void truncationAtAnyPointIsDetected() throws IOException {
    Path file = dir.resolve("a.ckpt");
    Checkpoints.write(file, 64, Checkpoints.tensors(3));
    byte[] good = Files.readAllBytes(file);
    for (int len = 0; len < good.length; len++) {
      Path f = dir.resolve("cut.ckpt");
      Files.write(f, java.util.Arrays.copyOf(good, len));
      refused(f);
    }
  }

  @Test
  void dataAfterTheFooterIsRefused() throws IOException {
    Path file = dir.resolve("a.ckpt");
    Checkpoints.write(file, 64, Checkpoints.tensors(3));
    Files.write(file, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    assertTrue(refused(file).getMessage().contains("after the footer"));
  }

  @Test
  void wrongMagicAndUnknownMajorVersionAreRefusedByName() throws IOException {
    Path file = dir.resolve("a.ckpt");
    Checkpoints.write(file, 64, Checkpoints.tensors(4));
    byte[] bytes = Files.readAllBytes(file);
    byte[] magic = bytes.clone();
    magic[0] = 'X';
    Files.write(file, magic);
    assertTrue(refused(file).getMessage().contains("wrong magic"));
    byte[] version = bytes.clone();
    version[8] = 2;
    Files.write(file, version);
    FormatException e = refused(file);
    assertTrue(e.getMessage().contains("version 2 is not supported"), e.getMessage());
  }

  /** Writes raw records with the real framing, for records no honest writer produces. */
  private Path forge(CheckpointRecord... records) throws IOException {
    Path file = dir.resolve("forged.ckpt");
    try (RecordFileWriter w = new RecordFileWriter(file, CheckpointFormat.FORMAT)) {
      for (CheckpointRecord r : records) {
        w.write(r);
      }
      w.commit(CheckpointRecord.newBuilder()
          .setFooter(Footer.newBuilder().setRecordCount(w.recordCount()).setFileCrc32C(w.crc())).build());
    }
    return file;
  }

  private static CheckpointRecord header() {
    return CheckpointRecord.newBuilder().setHeader(Checkpoints.header(64)).build();
  }

  @Test
  void anAbsurdTensorLengthIsRefusedBeforeAnyAllocation() throws IOException {
    Path file = forge(header(), CheckpointRecord.newBuilder().setTensor(TensorBegin.newBuilder().setName("huge")
        .setDtype(DType.F32).addShape(1L << 38).setByteLength(1L << 40).setChunkCount((1L << 40) / 64)).build());
    FormatException e = refused(file);
    assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("left in the file"), e.getMessage());
  }

  @Test
  void aShapeThatOverflowsIsRefused() throws IOException {
    Path file = forge(header(), CheckpointRecord.newBuilder().setTensor(TensorBegin.newBuilder().setName("wide")
        .setDtype(DType.F32).addShape(1L << 40).addShape(1L << 40).setByteLength(0)).build());
    assertTrue(refused(file).getMessage().contains("absurd shape"));
  }

  @Test
  void anUnknownDtypeIsRefusedNamingTheTensor() throws IOException {
    Path file = forge(header(), CheckpointRecord.newBuilder().setTensor(TensorBegin.newBuilder().setName("odd")
        .setDtypeValue(17).addShape(2).setByteLength(8).setChunkCount(1)).build());
    FormatException e = refused(file);
    assertTrue(e.getMessage().contains("'odd'") && e.getMessage().contains("unknown dtype 17"), e.getMessage());
  }

  @Test
  void aChunkWithABadChecksumNamesTensorAndChunk() throws IOException {
    Path file = forge(header(),
        CheckpointRecord.newBuilder().setTensor(TensorBegin.newBuilder().setName("w").setDtype(DType.F32)
            .addShape(2).setByteLength(8).setChunkCount(1)).build(),
        CheckpointRecord.newBuilder().setChunk(dev.rcsd.io.proto.TensorChunk.newBuilder().setIndex(0)
            .setData(ByteString.copyFrom(new byte[8])).setCrc32C(12345)).build());
    FormatException e = refused(file);
    assertTrue(e.getMessage().contains("tensor 'w', chunk 0") && e.getMessage().contains("CRC32C"), e.getMessage());
  }

  /** A newer minor version may add fields and record kinds: this reader skips them. */
  @Test
  void unknownFieldsAndRecordKindsAreSkipped() throws IOException {
    UnknownFieldSet extra = UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future")).build())
        .build();
    CheckpointRecord futureKind = CheckpointRecord.newBuilder().setUnknownFields(extra).build();
    CheckpointRecord header = CheckpointRecord.newBuilder()
        .setHeader(Checkpoints.header(64).toBuilder().setUnknownFields(extra)).build();
    Path file = forge(header, futureKind,
        CheckpointRecord.newBuilder().setTensor(TensorBegin.newBuilder().setName("w").setDtype(DType.I32).addShape(1)
            .setByteLength(4).setChunkCount(1)).build(),
        futureKind,
        chunk(0, new byte[] {1, 2, 3, 4}));
    Map<TensorInfo, byte[]> got = readAll(file);
    assertArrayEquals(new byte[] {1, 2, 3, 4}, got.values().iterator().next());
  }

  private static CheckpointRecord chunk(long index, byte[] data) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(data);
    return CheckpointRecord.newBuilder().setChunk(dev.rcsd.io.proto.TensorChunk.newBuilder().setIndex(index)
        .setData(ByteString.copyFrom(data)).setCrc32C((int) crc.getValue())).build();
  }

  @Test
  void aRecordLengthBeyondTheFileIsRefused() throws IOException {
    Path file = dir.resolve("len.ckpt");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write("RCSDCKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1).array());
    out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}); // 2^31 - 1
    Files.write(file, out.toByteArray());
    assertTrue(refused(file).getMessage().contains("record 0 claims"));
  }

  @Test
  void anInterruptedWriteKeepsThePreviousCheckpoint() throws IOException {
    Path file = dir.resolve("a.ckpt");
    Checkpoints.write(file, 64, Checkpoints.tensors(6));
    byte[] before = Files.readAllBytes(file);
    assertThrows(IllegalStateException.class, () -> {
      try (CheckpointWriter w = CheckpointWriter.create(file, Checkpoints.header(64))) {
        w.writeTensor(TensorInfo.parameter("x", DType.F32, 1000), ByteBuffer.allocate(4000));
        throw new IllegalStateException("killed");
      }
    });
    assertArrayEquals(before, Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file may be left behind");
    }
    assertFalse(Files.exists(dir.resolve("b.ckpt")));
  }
}
