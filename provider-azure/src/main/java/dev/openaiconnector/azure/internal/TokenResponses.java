package dev.openaiconnector.azure.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.azure.AccessToken;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the answers of Microsoft Entra ID and of the managed identity endpoints: a token, or an
 * error mapped to the api's exceptions. JSON is read with the parser Nimbus JOSE+JWT ships, so
 * this module needs no JSON library of its own.
 */
public final class TokenResponses {
  private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");
  private static final int MAX_DESCRIPTION = 300;

  private TokenResponses() {}

  /**
   * Reads a token answer.
   *
   * @param response the answer
   * @param server names the server in messages
   * @param clock gives the time {@code expires_in} and {@code refresh_in} count from
   * @param sent the secrets sent with the request, blanked out of any text quoted in a message
   * @return the token
   * @throws ConnectorException for an error status or an unreadable answer
   */
  public static AccessToken read(
      HttpResponse<String> response, String server, Clock clock, Collection<String> sent) {
    Instant now = clock.instant();
    int status = response.statusCode();
    String requestId =
        response
            .headers()
            .firstValue("x-ms-request-id")
            .or(() -> response.headers().firstValue("x-ms-correlation-id"))
            .orElse(null);
    Map<String, Object> json = parse(response.body());
    if (status / 100 != 2) {
      throw failure(status, json, server, requestId, sent);
    }
    Object token = json == null ? null : json.get("access_token");
    if (!(token instanceof String) || ((String) token).isBlank()) {
      throw new UnexpectedResponseException(
          server + " answered " + status + " without an access_token",
          new ErrorDetails(TokenHttp.PROVIDER_ID, status, null, null, null, requestId, null),
          null);
    }
    Long expiresIn = number(json.get("expires_in"));
    Long expiresOn = number(json.get("expires_on"));
    Instant expiresAt;
    if (expiresIn != null) {
      expiresAt = now.plusSeconds(expiresIn);
    } else if (expiresOn != null) {
      expiresAt = Instant.ofEpochSecond(expiresOn);
    } else {
      throw new UnexpectedResponseException(
          server + " answered a token without expires_in or expires_on",
          new ErrorDetails(TokenHttp.PROVIDER_ID, status, null, null, null, requestId, null),
          null);
    }
    Long refreshIn = number(json.get("refresh_in"));
    Instant refreshAt = refreshIn == null ? null : now.plusSeconds(refreshIn);
    if (refreshAt != null && refreshAt.isAfter(expiresAt)) {
      // A refresh_in at or past the expiry is no advice: the cache refreshes by its margin.
      refreshAt = null;
    }
    return new AccessToken(Secret.of((String) token), expiresAt, refreshAt);
  }

  private static @Nullable Map<String, Object> parse(@Nullable String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSONObjectUtils.parse(body);
    } catch (ParseException e) {
      return null;
    }
  }

  // IMDS writes numbers as strings ("expires_in": "86399"); Entra ID writes numbers.
  private static @Nullable Long number(@Nullable Object value) {
    if (value instanceof Number) {
      return ((Number) value).longValue();
    }
    if (value instanceof String) {
      try {
        return Long.parseLong(((String) value).strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static ConnectorException failure(
      int status,
      @Nullable Map<String, Object> json,
      String server,
      @Nullable String requestId,
      Collection<String> sent) {
    String error = json == null ? null : text(json.get("error"));
    String description = null;
    if (json != null) {
      description = text(json.get("error_description"));
      if (description == null) {
        // The App Service identity endpoint answers {"statusCode": 400, "message": "..."}.
        description = text(json.get("message"));
      }
      String traceId = text(json.get("trace_id"));
      if (traceId != null) {
        requestId = traceId;
      }
    }
    description = description == null ? null : shorten(redact(description, sent));
    String code = null;
    if (description != null) {
      Matcher matcher = AADSTS.matcher(description);
      if (matcher.find()) {
        code = matcher.group();
      }
    }
    StringBuilder message = new StringBuilder(server).append(" refused the token request");
    if (error != null) {
      message.append(": ").append(redact(error, sent));
    }
    if (description != null) {
      message.append(error != null ? " - " : ": ").append(description);
    }
    ErrorDetails details =
        new ErrorDetails(
            TokenHttp.PROVIDER_ID,
            status,
            error == null ? null : redact(error, sent),
            code,
            null,
            requestId,
            null);
    if (status == 400 || status == 401 || status == 403) {
      return new AuthenticationException(message.toString(), details, null);
    }
    // Throttling, a server error or an endpoint not ready yet (IMDS answers 404 while an
    // identity is being assigned): a later attempt may pass.
    return new ConnectionException(message.toString(), details, null);
  }

  private static @Nullable String text(@Nullable Object value) {
    return value instanceof String && !((String) value).isBlank() ? (String) value : null;
  }

  // Entra ID's description runs on with "Trace ID: ... Correlation ID: ... Timestamp: ..." lines,
  // which the details already carry.
  private static String shorten(String description) {
    String firstLine = description.strip().split("\\R", 2)[0];
    return firstLine.length() <= MAX_DESCRIPTION
        ? firstLine
        : firstLine.substring(0, MAX_DESCRIPTION) + "...";
  }

  /**
   * Blanks the secrets out of a text the server wrote, in case it quotes what it was sent.
   *
   * @param text the server's text
   * @param sent the secrets sent
   * @return the text without them
   */
  static String redact(String text, Collection<String> sent) {
    String result = text;
    for (String secret : sent) {
      if (!secret.isEmpty()) {
        result = result.replace(secret, "****");
      }
    }
    return result;
  }
}
