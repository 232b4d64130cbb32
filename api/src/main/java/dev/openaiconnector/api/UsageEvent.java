package dev.openaiconnector.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The usage of one successful remote call, as handed to a {@link UsageListener}.
 *
 * @param providerId the provider that served the call
 * @param model the model the request named
 * @param operation the kind of call
 * @param usage the tokens counted
 * @param sessionId the session the call belonged to, or null
 * @param requestId the provider's request id, or null
 */
public record UsageEvent(
    String providerId,
    String model,
    Operation operation,
    TokenUsage usage,
    @Nullable String sessionId,
    @Nullable String requestId) {

  /** Checks the required components are present. */
  public UsageEvent {
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(usage, "usage");
  }
}
