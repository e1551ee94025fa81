package dev.rcsd.engine.rl;

import dev.rcsd.engine.model.PolicyModel;
import dev.rcsd.engine.train.AdamW;
import dev.rcsd.engine.train.FusedLinearLoss;
import dev.rcsd.engine.train.GradientInjection;
import dev.rcsd.engine.train.TokenBatch;
import dev.rcsd.io.proto.Rollout;
import dev.rcsd.kernels.KernelBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 3: the student's forward pass with autograd over prompt + completion up to the final
 * norm, then chunk by chunk of the completion rows: the chunk's logits from the hidden states,
 * the method's loss and d loss / d logits from the kernel library, and its gradients of the
 * hidden states and the head ({@link FusedLinearLoss}); back-propagation; one optimizer step.
 *
 * <pre>
 *   rollouts --TokenBatch--> policy(h [B,T,H]) --chunk of rows--> logits [n,V] --kernel--> G [n,V] --> dh, dW
 *                                                                      ... next chunk ...       --> backward --> AdamW
 * </pre>
 *
 * With {@code update.path = full-logits} the forward pass returns every position's logits
 * [B, T, V] instead and the loss runs on all rows at once ({@link GradientInjection}): the path
 * before chunking, kept to compare against.
 */
public final class UpdateStage {
  private UpdateStage() {}

  /**
   * @param head the frozen head that teachers' stored hidden states go through (null when the
   *     rollouts keep top-k teachers only)
   * @param think the ids of {@code <think>} and {@code </think>}: the tokens from one to the other
   *     (both included) weigh 0 in the loss; empty to keep every token
   */
  public static void run(PolicyModel policy, AdamW opt, KernelBackend kernels, List<Rollout> scored, Method method,
      RunConfig c, TeacherHead head, int[] think, double lr, StepStats.Builder stats) {
    backward(policy, kernels, scored, method, c, head, think, stats);
    stats.learningRate = lr;
    stats.gradNorm = opt.step(lr);
  }

  /** The loss and its gradients on the policy's parameters (accumulated), without the optimizer step. */
  static void backward(PolicyModel policy, KernelBackend kernels, List<Rollout> scored, Method method, RunConfig c,
      TeacherHead head, StepStats.Builder stats) {
    backward(policy, kernels, scored, method, c, head, new int[0], stats);
  }

  static void backward(PolicyModel policy, KernelBackend kernels, List<Rollout> scored, Method method, RunConfig c,
      TeacherHead head, int[] think, StepStats.Builder stats) {
    int vocab = policy.config().vocabSize();
    List<TokenBatch.Sequence> seqs = new ArrayList<>();
    for (Rollout r : scored) {
      seqs.add(new TokenBatch.Sequence(r.getPromptTokensList().stream().mapToInt(Integer::intValue).toArray(),
          r.getCompletionTokensList().stream().mapToInt(Integer::intValue).toArray()));
    }
    UpdateRows rows = new UpdateRows(scored, vocab, advantages(scored, c.grpo().scaleRewards()), head, think);
    FusedLinearLoss.ChunkLoss chunkLoss = (from, to, logits, grad) -> {
      UpdateRows.Block block = rows.block(from, to, logits);
      double loss = method.loss(kernels, rows, block, c, grad);
      kernels.tokenLogProbs().computeBlock(block.batch(rows.ones(), null, null), c.sampling().temperature(),
          rows.studentLogprobs, null, null);
      return loss;
    };
    // one forward pass per micro-batch of sequences; gradients add up across their backward passes
    int per = c.update().microBatch() > 0 ? c.update().microBatch() : Math.max(1, seqs.size());
    double loss = 0;
    for (int r0 = 0; r0 < Math.max(1, seqs.size()); r0 += per) {
      List<TokenBatch.Sequence> part = seqs.subList(r0, Math.min(seqs.size(), r0 + per));
      TokenBatch b = TokenBatch.of(part);
      int[] at = rowPositions(part, b.width);
      int offset = rows.start[r0];
      FusedLinearLoss.ChunkLoss shifted = (from, to, logits, grad) ->
          chunkLoss.apply(offset + from, offset + to, logits, grad);
      if (c.update().path().equals(RunConfig.Update.FULL_LOGITS)) {
        loss += GradientInjection.backward(policy, b.tokens, b.positions, b.valid, (logits, grad) -> {
          float[] student = new float[at.length * vocab];
          for (int n = 0; n < at.length; n++) {
            System.arraycopy(logits, at[n] * vocab, student, n * vocab, vocab);
          }
          float[] rowGrad = new float[student.length];
          double value = shifted.apply(0, at.length, student, rowGrad);
          for (int n = 0; n < at.length; n++) {
            System.arraycopy(rowGrad, n * vocab, grad, at[n] * vocab, vocab);
          }
          return value;
        });
      } else {
        loss += FusedLinearLoss.backward(policy, b, at, c.update().chunkRows(vocab, rows.maxContexts()), shifted);
      }
    }
    stats.loss = loss;
    stats.kl = klToReference(rows);
    if (method.hasTeacher()) {
      stats.teacherDivergence = UpdateRows.mean(rows.divergence);
    }
  }

  /**
   * The method's loss over all of {@code rows} as one block, with the student's logits
   * {@code student} [N, V]; fills {@code grad} [N, V].
   */
  static double wholeLoss(Method method, KernelBackend kernels, UpdateRows rows, float[] student, RunConfig c,
      float[] grad) {
    return method.loss(kernels, rows, rows.block(0, rows.rows, student), c, grad);
  }

  /** Flat positions (row * width + column) of the positions that predict each completion token. */
  static int[] rowPositions(List<TokenBatch.Sequence> seqs, int width) {
    int n = seqs.stream().mapToInt(s -> s.completion().length).sum();
    int[] at = new int[n];
    int i = 0;
    for (int r = 0; r < seqs.size(); r++) {
      TokenBatch.Sequence s = seqs.get(r);
      for (int t = 0; t < s.completion().length; t++) {
        at[i++] = r * width + s.prompt().length - 1 + t;
      }
    }
    return at;
  }

  /** Each rollout's reward minus its group's mean, over the group's std when {@code scale}. */
  static float[] advantages(List<Rollout> rollouts, boolean scale) {
    Map<Long, double[]> groups = new HashMap<>(); // sum, sum of squares, count
    for (Rollout r : rollouts) {
      double[] g = groups.computeIfAbsent(r.getGroupId(), k -> new double[3]);
      g[0] += r.getReward();
      g[1] += (double) r.getReward() * r.getReward();
      g[2]++;
    }
    float[] out = new float[rollouts.size()];
    for (int i = 0; i < out.length; i++) {
      double[] g = groups.get(rollouts.get(i).getGroupId());
      double mean = g[0] / g[2];
      double std = Math.sqrt(Math.max(0, g[1] / g[2] - mean * mean));
      double a = rollouts.get(i).getReward() - mean;
      out[i] = (float) (scale ? a / (std + 1e-4) : a);
    }
    return out;
  }

  /** Mean k3 estimate of KL(policy || initial model) per completion token, at the sampling temperature. */
  static double klToReference(UpdateRows rows) {
    double kl = 0;
    for (int n = 0; n < rows.rows; n++) {
      double d = rows.reference[n] - rows.studentLogprobs[n];
      kl += Math.exp(d) - d - 1;
    }
    return rows.rows == 0 ? 0 : kl / rows.rows;
  }
}
