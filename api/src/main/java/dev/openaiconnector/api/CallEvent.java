package dev.openaiconnector.api;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step in the life of a remote call, as handed to a {@link CallListener}: its start, each
 * retry, and its success or failure. A call is everything one application request costs,
 * across its attempts; a tool loop makes one call per round.
 *
 * @param callId the call's number within its connector, the same in each of the call's events
 * @param providerId the provider that serves the call
 * @param operation the kind of call
 * @param model the model the request named
 * @param attempt the attempt the event is about, from 1
 * @param elapsed the time since the call started, waits between attempts included
 * @param requestId the provider's request id of the attempt, or null
 * @param responseModel the model that answered, on success; or null
 * @param usage the tokens the call used, on success; {@link TokenUsage#ZERO} otherwise
 * @param failure the failure, on a retry (the attempt's) or a failure (the last); or null
 * @param retryDelay on a retry, the wait before the next attempt; or null
 */
public record CallEvent(
    long callId,
    String providerId,
    Operation operation,
    String model,
    int attempt,
    Duration elapsed,
    @Nullable String requestId,
    @Nullable String responseModel,
    TokenUsage usage,
    @Nullable ConnectorException failure,
    @Nullable Duration retryDelay) {

  /** Checks the required components are present. */
  public CallEvent {
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(usage, "usage");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be 1 or more, was " + attempt);
    }
  }
}
