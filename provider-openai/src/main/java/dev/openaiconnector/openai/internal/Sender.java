package dev.openaiconnector.openai.internal;

import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.spi.Deadline;
import feign.Request;
import feign.Response;
import java.util.function.Function;

/**
 * Sends one call of a port: fails before sending when the deadline has passed, maps what the
 * call throws, and, when the server answers {@code 401}, lets the authentication refresh
 * its credentials and sends once more if it did. Never more than once: a second {@code 401} is
 * the caller's, mapped by the port like any error status. An authentication that never refreshes
 * (a static key) costs nothing here beyond one status test. Thread-safe.
 */
public final class Sender {
  private static final int UNAUTHORIZED = 401;

  private final Authentication authentication;
  private final HttpFailures failures;
  private final CallTimeouts timeouts;
  private final WireLog wireLog;

  /**
   * Creates the sender.
   *
   * @param authentication told about a {@code 401}
   * @param failures the error mapping
   * @param timeouts the per-call timeouts
   * @param wireLog the wire log, for the {@code 401} answer that is dropped
   */
  public Sender(
      Authentication authentication,
      HttpFailures failures,
      CallTimeouts timeouts,
      WireLog wireLog) {
    this.authentication = authentication;
    this.failures = failures;
    this.timeouts = timeouts;
    this.wireLog = wireLog;
  }

  /**
   * Sends a call, and once more after a {@code 401} if the authentication got fresh credentials.
   *
   * @param deadline the call's deadline; each attempt gets what is left of it
   * @param call makes the call of {@link OpenAiHttpApi} with the given options
   * @return the response, of any status, to be closed by the caller
   * @throws ConnectorException if the deadline passed before sending, if the call failed, or what
   *     the authentication threw
   */
  public Response send(Deadline deadline, Function<Request.Options, Response> call) {
    Response response = attempt(deadline, call);
    if (response.status() != UNAUTHORIZED) {
      return response;
    }
    boolean refreshed;
    try {
      refreshed = authentication.refreshAfterUnauthorized(deadline);
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    if (!refreshed) {
      return response;
    }
    drop(response);
    return attempt(deadline, call);
  }

  private Response attempt(Deadline deadline, Function<Request.Options, Response> call) {
    if (deadline.isExpired()) {
      throw failures.deadlineExpired();
    }
    try {
      return call.apply(timeouts.forCall(deadline));
    } catch (RuntimeException e) {
      throw failures.callFailure(e);
    }
  }

  /** Reads the refused answer to its end, so that its connection can be reused for the resend. */
  private void drop(Response response) {
    try (response) {
      wireLog.response(response.status(), failures.readAll(response));
    } catch (ConnectorException unreadable) {
      // Only the connection is lost; the resend opens another.
    }
  }
}
