package dev.rcsd.engine.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares the outputs a backend wrote ({@code kernels run}) with expected ones (a PyTorch or numpy
 * dump): every expected array must be present with its shape, and every element within
 * {@code rtol * max|expected array| + atol}.
 */
public final class GoldenComparison {
  /** Tolerances for float32 kernels against a float64 oracle. */
  public static final double RTOL = 1e-5;
  public static final double ATOL = 1e-6;

  private GoldenComparison() {}

  /** One array: its worst element and whether every element is within tolerance. */
  public record Result(String array, long index, double expected, double actual, double error, double tolerance) {
    public boolean ok() {
      return error <= tolerance;
    }
  }

  /**
   * @return one result per expected array, in file order
   * @throws GoldenTensorException naming the file and array that is missing or of another shape
   */
  public static List<Result> compare(Path expected, Path actual, double rtol, double atol)
      throws IOException, GoldenTensorException {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> want = load(expected, manager);
      Map<String, NDArray> got = load(actual, manager);
      List<Result> results = new ArrayList<>();
      for (var e : want.entrySet()) {
        NDArray g = got.get(e.getKey());
        if (g == null) {
          throw new GoldenTensorException(actual + ": array " + e.getKey() + " is missing");
        }
        if (!g.getShape().equals(e.getValue().getShape())) {
          throw new GoldenTensorException(actual + ": array " + e.getKey() + " has shape " + g.getShape()
              + ", expected " + e.getValue().getShape());
        }
        results.add(worst(e.getKey(), e.getValue().toType(DataType.FLOAT64, false).toDoubleArray(),
            g.toType(DataType.FLOAT64, false).toDoubleArray(), rtol, atol));
      }
      return results;
    }
  }

  private static Result worst(String name, double[] want, double[] got, double rtol, double atol) {
    double scale = 0;
    for (double x : want) {
      if (Double.isFinite(x)) {
        scale = Math.max(scale, Math.abs(x));
      }
    }
    double tol = rtol * scale + atol;
    long at = -1;
    double error = 0;
    for (int i = 0; i < want.length; i++) {
      double d = want[i] == got[i] ? 0 : Math.abs(want[i] - got[i]);
      if (Double.isNaN(d)) {
        d = Double.POSITIVE_INFINITY;
      }
      if (at < 0 || d > error) {
        at = i;
        error = d;
      }
    }
    return at < 0 ? new Result(name, 0, 0, 0, 0, tol) : new Result(name, at, want[(int) at], got[(int) at], error, tol);
  }

  private static Map<String, NDArray> load(Path file, NDManager manager) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Map<String, NDArray> byName = new LinkedHashMap<>();
      for (NDArray a : NDList.decode(manager, in)) {
        byName.put(a.getName(), a);
      }
      return byName;
    }
  }
}
