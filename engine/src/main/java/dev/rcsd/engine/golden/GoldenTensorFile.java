package dev.rcsd.engine.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rcsd.io.AtomicFile;
import dev.rcsd.kernels.InvalidInputException;
import dev.rcsd.kernels.KernelOutputs;
import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Golden-tensor files: numpy {@code .npz} archives holding the kernel inputs under their names
 * (scalars as 0-d arrays), and the outputs written back under theirs, so that a backend can be
 * compared with a PyTorch dump. Reading and writing the archive is DJL's {@link NDList}.
 *
 * <pre>
 *   inputs   student_logits [N,V] f32, teacher_logits [K,N,V] f32, tokens [N] i32|i64, mask [N],
 *            criterion_weights [K], old_logprobs [N], ref_logprobs [N], seq_advantages [N],
 *            temperature, jsd_beta, top_k, kl_clip, adv_clip, eps_low, eps_high, kl_coef  (0-d)
 *   outputs  student_logprobs [N], student_entropy [N], teacher_logprobs [K,N],
 *            jsd [K,N], loss_jsd, grad_jsd [N,V], topk_kl [K,N], loss_topk, grad_topk [N,V],
 *            advantages [N], loss_pg, grad_pg [N,V], loss_grpo, grad_grpo [N,V]
 * </pre>
 */
public final class GoldenTensorFile {
  static final List<String> SCALARS =
      List.of("temperature", "jsd_beta", "top_k", "kl_clip", "adv_clip", "eps_low", "eps_high", "kl_coef");

  private GoldenTensorFile() {}

  /** Reads and checks every input of {@code file}; nothing is kept in {@code manager} afterwards. */
  public static GoldenInputs read(Path file, NDManager manager) throws GoldenTensorException {
    try (NDManager scope = manager.newSubManager()) {
      Map<String, NDArray> arrays = decode(file, scope);
      NDArray student = require(file, arrays, LossBatch.STUDENT_LOGITS);
      if (student.getShape().dimension() != 2) {
        throw bad(file, LossBatch.STUDENT_LOGITS, "shape " + student.getShape() + " is not [N, V]");
      }
      int rows = Math.toIntExact(student.getShape().get(0));
      int vocab = Math.toIntExact(student.getShape().get(1));
      NDArray teacher = require(file, arrays, LossBatch.TEACHER_LOGITS);
      Shape ts = teacher.getShape();
      if (ts.dimension() != 3 || ts.get(1) != rows || ts.get(2) != vocab || ts.get(0) < 1) {
        throw bad(file, LossBatch.TEACHER_LOGITS,
            "shape " + ts + " disagrees with student_logits " + student.getShape() + ": expected [K >= 1, "
                + rows + ", " + vocab + "]");
      }
      int contexts = Math.toIntExact(ts.get(0));
      float[][] teachers = new float[contexts][];
      for (int k = 0; k < contexts; k++) {
        try (NDArray slice = teacher.get(k)) {
          teachers[k] = floats(file, LossBatch.TEACHER_LOGITS, slice, true);
        }
      }
      LossBatch batch = LossBatch.builder(rows, vocab)
          .studentLogits(floats(file, LossBatch.STUDENT_LOGITS, student, true))
          .teacherLogits(teachers)
          .tokens(tokens(file, require(file, arrays, LossBatch.TOKENS), rows))
          .mask(vector(file, arrays, LossBatch.MASK, rows))
          .criterionWeights(vector(file, arrays, LossBatch.CRITERION_WEIGHTS, contexts))
          .oldLogprobs(vector(file, arrays, LossBatch.OLD_LOGPROBS, rows))
          .refLogprobs(vector(file, arrays, LossBatch.REF_LOGPROBS, rows))
          .seqAdvantages(vector(file, arrays, LossBatch.SEQ_ADVANTAGES, rows))
          .build()
          .checkValues();
      return new GoldenInputs(batch, params(file, arrays));
    } catch (InvalidInputException e) {
      throw new GoldenTensorException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes every output to {@code file} atomically: the file appears complete or not at all. */
  public static void write(Path file, LossBatch batch, KernelOutputs out, NDManager manager) throws IOException {
    int n = batch.rows();
    int v = batch.vocab();
    int k = batch.contexts();
    try (NDManager scope = manager.newSubManager()) {
      NDList list = new NDList();
      add(list, scope, "student_logprobs", out.studentLogprobs, new Shape(n));
      add(list, scope, "student_entropy", out.studentEntropy, new Shape(n));
      add(list, scope, "teacher_logprobs", out.teacherLogprobs, new Shape(k, n));
      add(list, scope, "jsd", out.jsd, new Shape(k, n));
      add(list, scope, "loss_jsd", new float[] {(float) out.lossJsd()}, new Shape());
      add(list, scope, "grad_jsd", out.gradJsd, new Shape(n, v));
      add(list, scope, "topk_kl", out.topkKl, new Shape(k, n));
      add(list, scope, "loss_topk", new float[] {(float) out.lossTopk()}, new Shape());
      add(list, scope, "grad_topk", out.gradTopk, new Shape(n, v));
      add(list, scope, "advantages", out.advantages, new Shape(n));
      add(list, scope, "loss_pg", new float[] {(float) out.lossPg()}, new Shape());
      add(list, scope, "grad_pg", out.gradPg, new Shape(n, v));
      add(list, scope, "loss_grpo", new float[] {(float) out.lossGrpo()}, new Shape());
      add(list, scope, "grad_grpo", out.gradGrpo, new Shape(n, v));
      try (AtomicFile f = AtomicFile.create(file)) {
        list.encode(f.stream(), NDList.Encoding.NPZ);
        f.commit();
      }
    }
  }

  private static void add(NDList list, NDManager m, String name, float[] data, Shape shape) {
    NDArray a = m.create(data, shape);
    a.setName(name);
    list.add(a);
  }

  private static Map<String, NDArray> decode(Path file, NDManager m) throws GoldenTensorException {
    NDList list;
    try (InputStream in = Files.newInputStream(file)) {
      list = NDList.decode(m, in);
    } catch (IOException e) {
      throw new GoldenTensorException(file + ": cannot read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new GoldenTensorException(file + ": not a readable .npz archive: " + e.getMessage(), e);
    }
    Map<String, NDArray> byName = new HashMap<>();
    for (NDArray a : list) {
      String name = a.getName();
      if (name != null) {
        byName.put(name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name, a);
      }
    }
    return byName;
  }

  private static NDArray require(Path file, Map<String, NDArray> arrays, String name) throws GoldenTensorException {
    NDArray a = arrays.get(name);
    if (a == null) {
      throw bad(file, name, "missing (the file holds " + arrays.keySet().stream().sorted().toList() + ")");
    }
    return a;
  }

  private static float[] floats(Path file, String name, NDArray a, boolean float32Only) throws GoldenTensorException {
    DataType t = a.getDataType();
    if (t == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    if (!float32Only && (t.isFloating() || t.isInteger() || t == DataType.BOOLEAN)) {
      try (NDArray f = a.toType(DataType.FLOAT32, false)) {
        return f.toFloatArray();
      }
    }
    throw bad(file, name, "dtype " + t + " where " + (float32Only ? "float32" : "a number") + " is expected");
  }

  private static float[] vector(Path file, Map<String, NDArray> arrays, String name, int length)
      throws GoldenTensorException {
    NDArray a = require(file, arrays, name);
    if (a.getShape().dimension() != 1 || a.getShape().get(0) != length) {
      throw bad(file, name, "shape " + a.getShape() + ", expected (" + length + ")");
    }
    return floats(file, name, a, false);
  }

  private static int[] tokens(Path file, NDArray a, int rows) throws GoldenTensorException {
    if (a.getShape().dimension() != 1 || a.getShape().get(0) != rows) {
      throw bad(file, LossBatch.TOKENS, "shape " + a.getShape() + ", expected (" + rows + ")");
    }
    if (a.getDataType() == DataType.INT32) {
      return a.toIntArray();
    }
    if (a.getDataType() == DataType.INT64) {
      long[] wide = a.toLongArray();
      int[] ids = new int[wide.length];
      for (int i = 0; i < wide.length; i++) {
        if (wide[i] < Integer.MIN_VALUE || wide[i] > Integer.MAX_VALUE) {
          throw bad(file, LossBatch.TOKENS, "row " + i + " holds token id " + wide[i] + ", outside the int range");
        }
        ids[i] = (int) wide[i];
      }
      return ids;
    }
    throw bad(file, LossBatch.TOKENS, "dtype " + a.getDataType() + " where int32 or int64 is expected");
  }

  private static LossParams params(Path file, Map<String, NDArray> arrays) throws GoldenTensorException {
    double[] v = new double[SCALARS.size()];
    for (int i = 0; i < v.length; i++) {
      String name = SCALARS.get(i);
      NDArray a = require(file, arrays, name);
      if (a.getShape().size() != 1) {
        throw bad(file, name, "shape " + a.getShape() + ", expected a scalar (0-d array)");
      }
      v[i] = floats(file, name, a, false)[0];
    }
    double topK = v[2];
    if (topK != Math.rint(topK)) {
      throw bad(file, "top_k", topK + " is not an integer");
    }
    try {
      return new LossParams((float) v[0], (float) v[1], (int) Math.min(topK, Integer.MAX_VALUE), (float) v[3],
          (float) v[4], (float) v[5], (float) v[6], (float) v[7]);
    } catch (IllegalArgumentException e) {
      throw new GoldenTensorException(file + ": " + e.getMessage(), e);
    }
  }

  private static GoldenTensorException bad(Path file, String array, String problem) {
    return new GoldenTensorException(file + ": " + array + ": " + problem);
  }
}
