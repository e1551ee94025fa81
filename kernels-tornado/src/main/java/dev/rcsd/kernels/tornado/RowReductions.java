package dev.rcsd.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Device helpers of the row kernels, inlined by TornadoVM into every kernel that calls them.
 *
 * <p>Launch geometry of every kernel: one work-group of {@code wg} work-items per token row
 * (global size rows x wg, local size wg, wg a power of two up to {@link #MAX_WORKGROUP}). Work-items
 * walk a row with stride wg (adjacent work-items read adjacent floats) and combine their partial
 * results with tree reductions in local memory. {@code wg} is a task parameter, which TornadoVM
 * folds into the compiled kernel as a constant.
 *
 * <p>The local scratch array of the reductions holds the tree's slots, then the two row statistics
 * that {@link #rowStats} publishes to the whole work-group ({@link #rowMax}, {@link #rowLogZ}).
 * Kernels touch it only through these helpers: TornadoVM 5.2 addresses a local array that an
 * inlined helper receives as if it were a Java heap array (element 4 i + 16 for index i, as a byte
 * offset past a 16-byte header), while the kernel that allocated it addresses element i. Accessed
 * from helpers alone, the addressing is the same everywhere; {@link #SCRATCH} covers either.
 */
final class RowReductions {
  static final int MAX_WORKGROUP = 256;
  private static final int MAX_SLOT = MAX_WORKGROUP;
  private static final int LOG_Z_SLOT = MAX_WORKGROUP + 1;
  /** Floats of the scratch array: (MAX_WORKGROUP + 2) slots under either addressing. */
  static final int SCRATCH = 4 * (MAX_WORKGROUP + 2) + 16;
  static final float NEG_INF = Float.NEGATIVE_INFINITY;
  /** Log-probabilities are floored here before they multiply a probability, so 0 * -inf never occurs. */
  static final float LOG_FLOOR = -1e30f;

  private RowReductions() {}

  /** The largest x over the work-group, in every work-item. */
  static float groupMax(KernelContext ctx, float[] scratch, float x, int wg) {
    int lid = ctx.localIdx;
    scratch[lid] = x;
    ctx.localBarrier();
    for (int s = wg / 2; s > 0; s >>= 1) {
      if (lid < s) {
        scratch[lid] = TornadoMath.max(scratch[lid], scratch[lid + s]);
      }
      ctx.localBarrier();
    }
    float r = scratch[0];
    ctx.localBarrier();
    return r;
  }

  /** The sum of x over the work-group, in every work-item. */
  static float groupSum(KernelContext ctx, float[] scratch, float x, int wg) {
    int lid = ctx.localIdx;
    scratch[lid] = x;
    ctx.localBarrier();
    for (int s = wg / 2; s > 0; s >>= 1) {
      if (lid < s) {
        scratch[lid] = scratch[lid] + scratch[lid + s];
      }
      ctx.localBarrier();
    }
    float r = scratch[0];
    ctx.localBarrier();
    return r;
  }

  /**
   * Max and log-sum-exp of the row a[base, base + v) in two branch-free reads (a max, then a sum of
   * exp((x - max) / T)), which PoCL vectorises across work-items where a one-read online
   * log-sum-exp, with its data-dependent rescaling branch, ran 2x slower. Publishes the max to
   * {@link #rowMax} and log sum exp((x - max) / T) to {@link #rowLogZ}; -inf entries contribute
   * exactly 0.
   */
  static void rowStats(KernelContext ctx, float[] scratch, FloatArray a, int base, int v, float invT, int wg) {
    int lid = ctx.localIdx;
    float m = NEG_INF;
    for (int i = lid; i < v; i += wg) {
      m = TornadoMath.max(m, a.get(base + i));
    }
    float max = groupMax(ctx, scratch, m, wg);
    float s = 0f;
    for (int i = lid; i < v; i += wg) {
      s += TornadoMath.exp((a.get(base + i) - max) * invT);
    }
    float logZ = TornadoMath.log(groupSum(ctx, scratch, s, wg));
    if (lid == 0) {
      scratch[MAX_SLOT] = max;
      scratch[LOG_Z_SLOT] = logZ;
    }
    ctx.localBarrier();
  }

  /** The row max that the last {@link #rowStats} published. */
  static float rowMax(float[] scratch) {
    return scratch[MAX_SLOT];
  }

  /** The log Z that the last {@link #rowStats} published. */
  static float rowLogZ(float[] scratch) {
    return scratch[LOG_Z_SLOT];
  }

  /** -sum p log p of a row whose max and log Z are known; -inf entries contribute 0. */
  static float rowEntropy(KernelContext ctx, float[] scratch, FloatArray a, int base, int v, float max, float logZ,
      float invT, int wg) {
    float h = 0f;
    for (int i = ctx.localIdx; i < v; i += wg) {
      float lp = TornadoMath.max((a.get(base + i) - max) * invT - logZ, LOG_FLOOR);
      h -= TornadoMath.exp(lp) * lp;
    }
    return groupSum(ctx, scratch, h, wg);
  }
}
