package dev.openaiconnector.openai.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A response as the ports read it: the status, the headers, and the body, read once and closed.
 *
 * <p>Why not Feign's {@code Response}: it copies the headers into a map of its own on every
 * construction (each name lower-cased, each value list copied), which a profile of chat calls on 8
 * threads put at about a twentieth of the provider's CPU time and two kilobytes per call. These
 * headers are the JDK client's own map, already read-only and case-insensitive. Not thread-safe:
 * one call reads it.
 */
public final class RawResponse implements AutoCloseable {
  private final int status;
  private final Map<String, Collection<String>> headers;
  private final @Nullable InputStream body;
  private final @Nullable Integer length;

  /**
   * Creates a response.
   *
   * @param status the HTTP status
   * @param headers the headers, case-insensitive (as the JDK client's are)
   * @param body the body, or null for none
   * @param length the body's length when known, else null
   */
  public RawResponse(
      int status,
      Map<String, ? extends Collection<String>> headers,
      @Nullable InputStream body,
      @Nullable Integer length) {
    this.status = status;
    this.headers = Collections.unmodifiableMap(headers);
    this.body = body;
    this.length = length;
  }

  /**
   * Returns the HTTP status.
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  /**
   * Returns the headers, case-insensitive and read-only.
   *
   * @return the headers
   */
  public Map<String, Collection<String>> headers() {
    return headers;
  }

  /**
   * Returns the body, to be read once.
   *
   * @return the body, or null for none
   */
  public @Nullable InputStream body() {
    return body;
  }

  /**
   * Returns the body's length, when the server said it.
   *
   * @return the length in bytes, or null
   */
  public @Nullable Integer length() {
    return length;
  }

  /** Closes the body; a failure to close is ignored, as nothing more is read. */
  @Override
  public void close() {
    if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // The connection is dropped; nothing more is read from it.
      }
    }
  }

  @Override
  public String toString() {
    return "RawResponse[status=" + status + "]";
  }
}
