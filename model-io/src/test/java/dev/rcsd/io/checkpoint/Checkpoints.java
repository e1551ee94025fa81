package dev.rcsd.io.checkpoint;

import dev.rcsd.io.proto.CheckpointHeader;
import dev.rcsd.io.proto.DType;
import dev.rcsd.io.proto.DataCursor;
import dev.rcsd.io.proto.OptimizerState;
import dev.rcsd.io.proto.TensorRole;
import dev.rcsd.io.proto.TrainingState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Sample checkpoints for the tests: every dtype, an empty tensor, optimizer moments, odd chunking. */
public final class Checkpoints {
  private Checkpoints() {}

  public static final String CONFIG = "{\"model_type\": \"qwen3\", \"hidden_size\": 8, \"vocab_size\": 16}";

  public static CheckpointHeader header(int chunkBytes) {
    return CheckpointHeader.newBuilder()
        .setProducer("test")
        .setConfigJson(CONFIG)
        .setChunkBytes(chunkBytes)
        .setTraining(TrainingState.newBuilder().setStep(42).setMethod("rcsd").setConfigJson("{\"lr\": 1e-4}")
            .setDataCursor(DataCursor.newBuilder().setEpoch(1).setPosition(17).setShuffleSeed(9))
            .setRngState(com.google.protobuf.ByteString.copyFromUtf8("rng"))
            .setOptimizer(OptimizerState.newBuilder().setName("adamw").setStep(42).putSettings("beta1", 0.9)))
        .putMetadata("format", "pt")
        .build();
  }

  /** Tensors with random bytes, in writing order. */
  public static Map<TensorInfo, byte[]> tensors(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<TensorInfo, byte[]> t = new LinkedHashMap<>();
    put(t, rnd, TensorInfo.parameter("embed.weight", DType.F32, 16, 8));
    put(t, rnd, TensorInfo.parameter("layer.0.norm", DType.F16, 8));
    put(t, rnd, TensorInfo.parameter("layer.0.proj", DType.BF16, 3, 5));
    put(t, rnd, TensorInfo.parameter("ids", DType.I32, 7));
    put(t, rnd, TensorInfo.parameter("counts", DType.I64, 2, 2));
    put(t, rnd, TensorInfo.parameter("empty", DType.F32, 0, 4));
    put(t, rnd, TensorInfo.parameter("scalar", DType.F32));
    put(t, rnd, TensorInfo.of("embed.weight", DType.F32, new long[] {16, 8}, TensorRole.OPTIMIZER_FIRST_MOMENT));
    put(t, rnd, TensorInfo.of("embed.weight", DType.F32, new long[] {16, 8}, TensorRole.OPTIMIZER_SECOND_MOMENT));
    return t;
  }

  private static void put(Map<TensorInfo, byte[]> t, SplittableRandom rnd, TensorInfo info) {
    byte[] data = new byte[(int) info.byteLength()];
    rnd.nextBytes(data);
    t.put(info, data);
  }

  public static void write(Path file, int chunkBytes, Map<TensorInfo, byte[]> tensors) throws IOException {
    try (CheckpointWriter w = CheckpointWriter.create(file, header(chunkBytes))) {
      for (Map.Entry<TensorInfo, byte[]> e : tensors.entrySet()) {
        w.writeTensor(e.getKey(), ByteBuffer.wrap(e.getValue()));
      }
      w.commit();
    }
  }
}
