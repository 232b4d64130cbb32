package dev.openaiconnector.api;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of checking one operation in {@link Connector#checkConnection()}.
 *
 * @param operation the operation checked
 * @param model the model (or Azure deployment) the check called
 * @param outcome whether it worked, or why not
 * @param latency how long the check's call took
 * @param message the server's or client's explanation when it failed; null when it worked
 * @param requestId the provider's request id, or null
 */
public record OperationCheck(
    Operation operation,
    String model,
    Outcome outcome,
    Duration latency,
    @Nullable String message,
    @Nullable String requestId) {

  /** Checks the required components are present. */
  public OperationCheck {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(latency, "latency");
  }

  /**
   * Tells whether the operation works.
   *
   * @return true for {@link Outcome#OK}
   */
  public boolean ok() {
    return outcome == Outcome.OK;
  }

  /** Whether an operation works, or the kind of reason it does not. */
  public enum Outcome {
    /** The call succeeded. */
    OK,
    /** The key or token was refused (401): check the credentials. */
    AUTHENTICATION,
    /** The credentials are valid but not allowed this (403): check the role or project. */
    PERMISSION,
    /** The model or deployment does not exist (404): check its name. */
    NOT_FOUND,
    /** The server could not be reached or did not answer in time: check the URL and network. */
    NETWORK,
    /** The server refused for rate or quota (429): wait, or check the plan. */
    RATE_LIMITED,
    /** Anything else: the message says what. */
    OTHER
  }
}
