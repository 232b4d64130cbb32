package dev.openaiconnector.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An answer parsed into a Java type, or the model's refusal to give one.
 *
 * @param <T> the type asked for
 */
public final class StructuredResponse<T> {
  private final @Nullable T value;
  private final @Nullable String refusal;
  private final ChatResponse response;

  private StructuredResponse(@Nullable T value, @Nullable String refusal, ChatResponse response) {
    this.value = value;
    this.refusal = refusal;
    this.response = response;
  }

  /**
   * A parsed answer.
   *
   * @param value the value
   * @param response the response it came from
   * @param <T> the type
   * @return the structured response
   */
  public static <T> StructuredResponse<T> of(T value, ChatResponse response) {
    return new StructuredResponse<>(
        Objects.requireNonNull(value, "value"), null, Objects.requireNonNull(response, "response"));
  }

  /**
   * A refusal.
   *
   * @param refusal the model's refusal message
   * @param response the response it came from
   * @param <T> the type that was asked for
   * @return the structured response
   */
  public static <T> StructuredResponse<T> refused(String refusal, ChatResponse response) {
    return new StructuredResponse<>(
        null, Objects.requireNonNull(refusal, "refusal"), Objects.requireNonNull(response, "response"));
  }

  /**
   * Returns the parsed value.
   *
   * @return the value
   * @throws ModelRefusalException if the model refused; check {@link #refusal()} to avoid it
   */
  public T value() {
    if (value == null) {
      throw new ModelRefusalException(Objects.requireNonNull(refusal));
    }
    return value;
  }

  /**
   * Returns the model's refusal.
   *
   * @return the refusal message, or empty when the model answered
   */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  /**
   * Returns the whole response: usage, request id, raw content.
   *
   * @return the response
   */
  public ChatResponse response() {
    return response;
  }

  @Override
  public String toString() {
    return "StructuredResponse[" + (value == null ? "refused" : "value") + ", " + response + "]";
  }
}
