package dev.rcsd.engine.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.engine.task.Problem;
import dev.rcsd.engine.task.PromptTemplates;
import dev.rcsd.engine.task.ScienceGenerator;
import dev.rcsd.engine.task.TaskTokenizer;
import dev.rcsd.engine.train.TokenBatch;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SftDataTest {
  private static final PromptTemplates P = PromptTemplates.DEFAULTS;
  private final TaskTokenizer tok = TaskTokenizer.builtIn();
  private final List<Problem> problems = new ScienceGenerator().generate(3, 2000, 0, 4).train();

  @Test
  void theMistakeShareSwapsOnlyStudentViewSolutions() {
    List<TokenBatch.Sequence> none = SftData.examples(problems, tok, P, 0.4, 0, 7);
    List<TokenBatch.Sequence> half = SftData.examples(problems, tok, P, 0.4, 0.5, 7);
    List<TokenBatch.Sequence> all = SftData.examples(problems, tok, P, 0.4, 1, 7);
    int student = 0;
    int mistaken = 0;
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      assertArrayEquals(none.get(i).prompt(), half.get(i).prompt(), "the share changes no prompt");
      assertArrayEquals(none.get(i).prompt(), all.get(i).prompt());
      boolean studentView = Arrays.equals(none.get(i).prompt(), tok.prompt(P.student(p)));
      if (!studentView) {
        assertArrayEquals(none.get(i).completion(), all.get(i).completion(), "privileged prompts keep the solution");
        continue;
      }
      student++;
      assertArrayEquals(SftData.sequence(tok, "", p.referenceSolution()).completion(), none.get(i).completion());
      assertArrayEquals(SftData.sequence(tok, "", p.mistakenSolution()).completion(), all.get(i).completion());
      if (!Arrays.equals(half.get(i).completion(), none.get(i).completion())) {
        assertArrayEquals(all.get(i).completion(), half.get(i).completion());
        mistaken++;
      }
    }
    assertTrue(student > 1000 && student < 1400, "about 60% student view: " + student);
    assertEquals(0.5, (double) mistaken / student, 0.05, mistaken + " of " + student);
  }

  @Test
  void problemsWithoutAMistakenSolutionKeepTheirs() {
    Problem p = problems.get(0);
    Problem plain = new Problem(p.id(), p.question(), p.referenceAnswer(), p.referenceSolution(), p.rubric(), "", 0);
    for (TokenBatch.Sequence s : SftData.examples(List.of(plain, plain, plain), tok, P, 0, 1, 1)) {
      assertArrayEquals(SftData.sequence(tok, "", p.referenceSolution()).completion(), s.completion());
    }
    assertFalse(p.mistakenSolution().isEmpty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Warmup(1, 1, 1e-3, 0, 0.4, 1, 0, 0, 1.5));
    assertTrue(e.getMessage().contains("warmup.mistake_share"), e.getMessage());
  }
}
