package dev.openaiconnector.openai.internal;

import feign.Request;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs request and response bodies at DEBUG on {@code dev.openaiconnector.openai.wire}, when
 * switched on: each body cut to 4 KB after its secrets are redacted (redacting first, so that a
 * cut cannot leave half a key behind). Headers are never logged. Off, or with DEBUG off, a call
 * costs one boolean test and one level check. Thread-safe.
 */
public final class WireLog {
  /** The logger name, for logging configuration. */
  public static final String LOGGER = "dev.openaiconnector.openai.wire";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final int MAX_CHARS = 4096;

  /** Logs nothing. */
  public static final WireLog OFF = new WireLog(false, Redactor.NO_KEY);

  private final boolean on;
  private final Redactor redactor;

  /**
   * Creates the log.
   *
   * @param on whether bodies are logged at all
   * @param redactor removes the secrets
   */
  public WireLog(boolean on, Redactor redactor) {
    this.on = on;
    this.redactor = redactor;
  }

  private boolean enabled() {
    return on && LOG.isDebugEnabled();
  }

  /**
   * Logs a request about to be sent: method, URL and body.
   *
   * @param request the request
   */
  void request(Request request) {
    if (enabled()) {
      byte[] body = request.body();
      LOG.debug(
          "--> {} {} {}",
          request.httpMethod(),
          redactor.redact(request.url()),
          body == null ? "(no body)" : text(body));
    }
  }

  /**
   * Logs the response of a plain call: status and body.
   *
   * @param status the HTTP status
   * @param body the whole body
   */
  void response(int status, byte[] body) {
    if (enabled()) {
      LOG.debug("<-- {} {}", status, text(body));
    }
  }

  /**
   * Logs the start of a streamed response: its status only, the events are not kept.
   *
   * @param status the HTTP status
   */
  void streamResponse(int status) {
    if (enabled()) {
      LOG.debug("<-- {} (event stream)", status);
    }
  }

  private String text(byte[] body) {
    if (body.length == 0) {
      return "(empty body)";
    }
    String text = redactor.redact(new String(body, StandardCharsets.UTF_8));
    if (text.length() <= MAX_CHARS) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
    return text.substring(0, end) + "... (" + body.length + " bytes in all)";
  }

  @Override
  public String toString() {
    return "WireLog[" + (on ? "on" : "off") + "]";
  }
}
