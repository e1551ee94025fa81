package dev.rcsd.engine.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.model.ModelConfig;
import dev.rcsd.engine.model.PolicyModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What the score stage keeps of a teacher: its top-k, or its hidden states and the head's identity. */
class ScoreStageTest {
  /** The streaming top-k is the first k of a full sort by value, ties towards the lower id. */
  @Test
  void topKIsTheSortedPrefixWithTiesTowardsTheLowerId() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (int trial = 0; trial < 200; trial++) {
      int vocab = 1 + rnd.nextInt(60);
      int k = 1 + rnd.nextInt(vocab);
      float[] row = new float[vocab + 3];
      for (int v = 0; v < row.length; v++) {
        row[v] = rnd.nextInt(8) - 4; // many ties
      }
      ScoreStage.TopK top = new ScoreStage.TopK(k);
      top.select(row, 3, vocab);
      Integer[] order = new Integer[vocab];
      for (int v = 0; v < vocab; v++) {
        order[v] = v;
      }
      Arrays.sort(order, (a, b) -> row[3 + a] != row[3 + b] ? Float.compare(row[3 + b], row[3 + a])
          : Integer.compare(a, b));
      for (int i = 0; i < k; i++) {
        assertEquals(order[i], top.ids[i], "trial " + trial + " rank " + i);
        assertEquals(row[3 + order[i]], top.values[i]);
      }
    }
  }

  @Test
  void theHeadIsNamedByItsWeightsAndAnotherHeadIsRefused() {
    ModelConfig c = new ModelConfig("qwen3", 30, 16, 32, 1, 2, 1, 8, 10000.0, 1e-6, false, false, true, 64, 1, 2);
    try (PolicyModel a = PolicyModel.random(c, 1); PolicyModel same = PolicyModel.random(c, 1);
        PolicyModel other = PolicyModel.random(c, 2)) {
      String digest = TeacherHead.of(a).digest();
      assertTrue(digest.matches("sha256:[0-9a-f]{64}"), digest);
      assertEquals(digest, TeacherHead.of(same).digest());
      assertNotEquals(digest, TeacherHead.of(other).digest());
      TeacherHead.of(same).check(digest, "batch");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TeacherHead.of(other).check(digest, "the batch of step 3"));
      assertTrue(e.getMessage().contains("the batch of step 3") && e.getMessage().contains(digest), e.getMessage());
      // logits through the head: h . W^T
      float[] h = new float[16];
      h[5] = 2f;
      float[] out = new float[2 + 30];
      TeacherHead.of(a).logits(h, 1, out, 2);
      float[] w = a.block().head().toFloatArray();
      float[] want = new float[30];
      for (int v = 0; v < 30; v++) {
        want[v] = 2f * w[v * 16 + 5];
      }
      assertArrayEquals(want, Arrays.copyOfRange(out, 2, 32), 1e-6f);
    }
  }
}
