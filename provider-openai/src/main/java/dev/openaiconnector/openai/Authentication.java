package dev.openaiconnector.openai;

import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Deadline;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * How an OpenAI-compatible provider authenticates each request: the headers it adds, and what it
 * does when the server answers {@code 401}.
 *
 * <p>Called on every request, from many threads: implementations must be thread-safe. The provider
 * calls the methods that take the call's {@link Deadline}; a credential that may block to obtain
 * a token (a token source caches it, so it rarely does) overrides them and stops waiting when the
 * deadline passes. Their defaults call the methods without a deadline, which is right for a
 * credential that never waits, such as a key.
 * Implementations hold secrets: their {@code toString()} must never show one.
 */
public interface Authentication {
  /**
   * Adds the authentication headers of one request.
   *
   * @param header receives each header's name and value
   * @throws dev.openaiconnector.api.ConnectorException if no credential can be obtained, for
   *     example an {@link dev.openaiconnector.api.AuthenticationException} when a token server
   *     refuses the client
   */
  void addHeaders(BiConsumer<String, String> header);

  /**
   * Adds the authentication headers of one request, waiting for a credential no longer than the
   * call's deadline. The default calls {@link #addHeaders(BiConsumer)}.
   *
   * @param header receives each header's name and value
   * @param deadline the call's deadline
   * @throws dev.openaiconnector.api.ConnectorException as {@link #addHeaders(BiConsumer)} does, or
   *     a {@link dev.openaiconnector.api.RequestTimeoutException} when the deadline passes while a
   *     credential is obtained
   */
  default void addHeaders(BiConsumer<String, String> header, Deadline deadline) {
    addHeaders(header);
  }

  /**
   * Told that the server refused the credentials just sent with {@code 401}. A source of
   * short-lived tokens drops the cached one and gets a fresh one; the request is then sent once
   * more, and a second {@code 401} is the caller's failure. Never called twice for one request.
   *
   * @return true if fresh credentials were obtained and one more attempt makes sense
   */
  default boolean refreshAfterUnauthorized() {
    return false;
  }

  /**
   * As {@link #refreshAfterUnauthorized()}, waiting for fresh credentials no longer than the
   * call's deadline. The default calls {@link #refreshAfterUnauthorized()}.
   *
   * @param deadline the call's deadline
   * @return true if fresh credentials were obtained and one more attempt makes sense
   * @throws dev.openaiconnector.api.ConnectorException when fresh credentials cannot be obtained,
   *     a {@link dev.openaiconnector.api.RequestTimeoutException} when the deadline passes first
   */
  default boolean refreshAfterUnauthorized(Deadline deadline) {
    return refreshAfterUnauthorized();
  }

  /**
   * {@code Authorization: Bearer <key>}, as OpenAI expects.
   *
   * @param key the API key
   * @return the authentication
   */
  static Authentication bearer(Secret key) {
    return header("Authorization", "Bearer ", key);
  }

  /**
   * One header whose value is a prefix and a secret, for example Azure's {@code api-key}.
   *
   * @param name the header name
   * @param prefix written before the secret, for example {@code "Bearer "}; may be empty
   * @param secret the secret
   * @return the authentication
   */
  static Authentication header(String name, String prefix, Secret secret) {
    return new HeaderAuthentication(
        Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(prefix, "prefix"),
        Objects.requireNonNull(secret, "secret"));
  }
}
