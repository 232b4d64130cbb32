package dev.openaiconnector.showcase;

import java.util.Objects;

/**
 * One step of the tour.
 *
 * @param id the short name {@value ShowcaseSettings#SKIP} takes, such as {@code tools}
 * @param title the heading, such as {@code Tools: the function-calling loop}
 * @param api the calls the step makes, such as {@code ai.chat(request with tools)}
 * @param countsTokens whether the step calls a model, so that its tokens are worth printing
 * @param body what the step does and prints; it throws to fail
 */
record Step(String id, String title, String api, boolean countsTokens, Body body) {

  Step {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(body, "body");
  }

  /** What a step does. */
  @FunctionalInterface
  interface Body {
    /**
     * Runs the step and prints what it asked and what came back.
     *
     * @throws Exception when the step failed; {@link StepFailedException} for a failure that is
     *     not an exception of the library's
     */
    void run() throws Exception;
  }
}
