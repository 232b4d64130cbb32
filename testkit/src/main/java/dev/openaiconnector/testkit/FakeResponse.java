package dev.openaiconnector.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scripted answer for {@link FakeOpenAiServer#enqueue(FakeResponse)}: status, headers, body and
 * an optional delay. Immutable; each {@code header}/{@code delay} call returns a copy.
 *
 * <pre>{@code
 * server.enqueue(FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down")
 *     .header("retry-after", "2"));
 * }</pre>
 */
public final class FakeResponse {
  static final String JSON = "application/json";

  /** Renders the body when it is sent, so that a body may depend on the request it answers. */
  @FunctionalInterface
  interface Body {
    String render(RecordedRequest request, int sequence);
  }

  private final int status;
  private final @Nullable String contentType;
  private final Body body;
  private final List<Map.Entry<String, String>> headers;
  private final Duration delay;
  private final boolean eventStream;

  private FakeResponse(
      int status,
      @Nullable String contentType,
      Body body,
      List<Map.Entry<String, String>> headers,
      Duration delay,
      boolean eventStream) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = List.copyOf(headers);
    this.delay = delay;
    this.eventStream = eventStream;
  }

  static FakeResponse of(int status, @Nullable String contentType, Body body) {
    return new FakeResponse(
        checkStatus(status), contentType, body, List.of(), Duration.ZERO, false);
  }

  /** A server-sent event stream, sent chunked and flushed event by event as OpenAI does. */
  static FakeResponse eventStream(Body body) {
    return new FakeResponse(200, "text/event-stream", body, List.of(), Duration.ZERO, true);
  }

  /**
   * A {@code 200} {@code chat.completion} with one choice holding {@code content}, finish reason
   * {@code stop}, and a usage of about four characters a token. Its model is the answered request's
   * {@code model} (or {@code gpt-4o-mini} if the request has none); its id is {@code
   * chatcmpl-fake-<n>}, n being the request's sequence number.
   *
   * @param content the assistant's text
   * @return the response
   */
  public static FakeResponse chatCompletion(String content) {
    Objects.requireNonNull(content, "content");
    return of(
        200,
        JSON,
        (request, sequence) -> OpenAiRoutes.scriptedCompletion(content, request, sequence));
  }

  /**
   * An OpenAI error: {@code {"error":{"message","type","param":null,"code"}}}.
   *
   * @param status the HTTP status, such as {@code 429}
   * @param type the error type, such as {@code invalid_request_error}
   * @param code the error code, such as {@code rate_limit_exceeded}; {@code null} writes {@code
   *     "code":null}, as OpenAI does for many errors
   * @param message the human-readable message
   * @return the response
   */
  public static FakeResponse error(int status, String type, @Nullable String code, String message) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
    String json = OpenAiRoutes.errorBody(message, type, null, code);
    return of(status, JSON, (request, sequence) -> json);
  }

  /**
   * A raw JSON body, sent as is (it is not checked).
   *
   * @param status the HTTP status
   * @param json the body
   * @return the response
   */
  public static FakeResponse json(int status, String json) {
    Objects.requireNonNull(json, "json");
    return of(status, JSON, (request, sequence) -> json);
  }

  /**
   * Any body with any content type, such as the HTML error page of a proxy, or a scripted {@code
   * text/event-stream}.
   *
   * @param status the HTTP status
   * @param contentType the {@code Content-Type} header value
   * @param body the body; empty sends none
   * @return the response
   */
  public static FakeResponse body(int status, String contentType, String body) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    return of(status, contentType, (request, sequence) -> body);
  }

  /**
   * A {@code 429} rate-limit error with a {@code retry-after} header, as OpenAI sends it.
   *
   * @param retryAfter the wait to announce, sent in whole seconds (at least one)
   * @return the response
   */
  public static FakeResponse rateLimited(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return error(
            429,
            "requests",
            "rate_limit_exceeded",
            "Rate limit reached for requests. Please try again in " + seconds + "s.")
        .header("retry-after", Long.toString(seconds));
  }

  /**
   * Returns a copy with one more response header; a header may be added several times.
   *
   * @param name the header name; {@code x-request-id} replaces the server's own
   * @param value the value
   * @return the copy
   */
  public FakeResponse header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c > '~')) {
      throw new IllegalArgumentException("Not a valid header name: '" + name + "'");
    }
    if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
      throw new IllegalArgumentException("A header value cannot contain CR or LF: " + name);
    }
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    return new FakeResponse(status, contentType, body, more, delay, eventStream);
  }

  /**
   * Returns a copy that waits before sending the status line and headers, to provoke a client's
   * read timeout. Closing the server ends the wait.
   *
   * @param delay the wait; zero for none
   * @return the copy
   */
  public FakeResponse delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    return new FakeResponse(status, contentType, body, headers, delay, eventStream);
  }

  /**
   * Returns the HTTP status.
   *
   * @return the status code
   */
  public int status() {
    return status;
  }

  @Nullable String contentType() {
    return contentType;
  }

  List<Map.Entry<String, String>> headers() {
    return headers;
  }

  boolean isEventStream() {
    return eventStream;
  }

  Duration delayBeforeHeaders() {
    return delay;
  }

  String render(RecordedRequest request, int sequence) {
    return body.render(request, sequence);
  }

  private static int checkStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599: " + status);
    }
    return status;
  }

  @Override
  public String toString() {
    return "FakeResponse[" + status + (contentType == null ? "" : " " + contentType) + "]";
  }
}
