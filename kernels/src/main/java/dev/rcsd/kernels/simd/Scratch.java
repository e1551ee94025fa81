package dev.rcsd.kernels.simd;

/**
 * The working memory of the thread running a block of rows, made once per thread and grown when a
 * larger batch comes, so that a kernel call allocates nothing. A thread runs one block at a time,
 * so one instance per thread serves every kernel.
 */
final class Scratch {
  private static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(Scratch::new);

  final RowStats student = new RowStats();
  final RowStats teacher = new RowStats();
  /** Per-context sums a row pass hands back (jsd, KL(p_S || m)). */
  final double[] sums = new double[2];
  final RowChunk chunk = new RowChunk();
  private float[] studentExps = new float[0];
  private float[] teacherExps = new float[0];
  private double[] rowLoss = new double[0];
  private double[] restrictedStudent = new double[0];
  private double[] restrictedTeacher = new double[0];
  private TopKHeap heap;

  static Scratch ofThread() {
    return OF_THREAD.get();
  }

  /** A row of {@code vocab} floats for the student's stored exponentials. */
  float[] studentExps(int vocab) {
    studentExps = grow(studentExps, vocab);
    return studentExps;
  }

  /** A row of {@code vocab} floats for a teacher's stored exponentials. */
  float[] teacherExps(int vocab) {
    teacherExps = grow(teacherExps, vocab);
    return teacherExps;
  }

  /** Per-row losses of a call (the calling thread's; the workers write every row of it). */
  double[] rowLoss(int rows) {
    rowLoss = grow(rowLoss, rows);
    return rowLoss;
  }

  /** The student's restricted softmax over k entries. */
  double[] restrictedStudent(int k) {
    restrictedStudent = grow(restrictedStudent, k);
    return restrictedStudent;
  }

  /** The teacher's restricted softmax over k entries, 0 where clipped. */
  double[] restrictedTeacher(int k) {
    restrictedTeacher = grow(restrictedTeacher, k);
    return restrictedTeacher;
  }

  /** A top-k selector of exactly k entries. */
  TopKHeap heap(int k) {
    if (heap == null || heap.capacity() != k) {
      heap = new TopKHeap(k);
    }
    return heap;
  }

  private static float[] grow(float[] a, int n) {
    return a.length < n ? new float[n] : a;
  }

  private static double[] grow(double[] a, int n) {
    return a.length < n ? new double[n] : a;
  }
}
