package dev.openaiconnector.api;

import java.util.List;

/**
 * A request was rejected on the client side, before any network call. The message lists every
 * problem, each naming the field and what to change.
 */
public class RequestValidationException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /** The problems; an immutable list of strings. */
  @SuppressWarnings("serial")
  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param problems what is wrong, one entry per problem; at least one
   */
  public RequestValidationException(List<String> problems) {
    super(describe(problems), ErrorDetails.NONE, null);
    this.problems = List.copyOf(problems);
  }

  private static String describe(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one problem");
    }
    return problems.size() == 1
        ? "Invalid request: " + problems.get(0)
        : "Invalid request, " + problems.size() + " problems: " + String.join("; ", problems);
  }

  /**
   * Returns every problem found, each naming the field.
   *
   * @return the problems
   */
  public List<String> problems() {
    return problems;
  }
}
