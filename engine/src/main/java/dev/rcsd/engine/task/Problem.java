package dev.rcsd.engine.task;

/**
 * A problem with its privileged context.
 *
 * @param template the built-in template it came from ("" for user data)
 * @param difficulty its number of reasoning steps (0 for user data)
 */
public record Problem(String id, String question, String referenceAnswer, String referenceSolution, Rubric rubric,
    String template, int difficulty) {}
