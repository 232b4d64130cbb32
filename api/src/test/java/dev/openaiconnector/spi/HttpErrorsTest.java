package dev.openaiconnector.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ConflictException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpErrorsTest {

  static Stream<Arguments> documentedTable() {
    return Stream.of(
        Arguments.of(400, null, InvalidRequestException.class, false),
        Arguments.of(400, "invalid_value", InvalidRequestException.class, false),
        Arguments.of(400, "content_filter", ContentFilterException.class, false),
        Arguments.of(400, "content_policy_violation", ContentFilterException.class, false),
        Arguments.of(400, "ResponsibleAIPolicyViolation", ContentFilterException.class, false),
        Arguments.of(401, "invalid_api_key", AuthenticationException.class, false),
        Arguments.of(403, null, PermissionDeniedException.class, false),
        Arguments.of(404, "model_not_found", NotFoundException.class, false),
        Arguments.of(408, null, RequestTimeoutException.class, true),
        Arguments.of(409, null, ConflictException.class, true),
        Arguments.of(413, null, InvalidRequestException.class, false),
        Arguments.of(415, null, InvalidRequestException.class, false),
        Arguments.of(422, null, InvalidRequestException.class, false),
        Arguments.of(422, "content_filter", ContentFilterException.class, false),
        Arguments.of(429, null, RateLimitException.class, true),
        Arguments.of(429, "rate_limit_exceeded", RateLimitException.class, true),
        Arguments.of(429, "insufficient_quota", QuotaExceededException.class, false),
        Arguments.of(500, null, ServerException.class, true),
        Arguments.of(502, null, ServerException.class, true),
        Arguments.of(503, "overloaded", ServerException.class, true),
        Arguments.of(504, null, ServerException.class, true),
        Arguments.of(599, null, ServerException.class, true));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("documentedTable")
  void mapsEachStatusAndCodeToItsException(
      int status, String code, Class<? extends ConnectorException> type, boolean retriable) {
    ErrorDetails details = new ErrorDetails("openai", status, "error", code, null, "req-1", null);

    ConnectorException exception = HttpErrors.toException("It failed", details);

    assertThat(exception).isExactlyInstanceOf(type);
    assertThat(exception.isRetriable()).isEqualTo(retriable);
    assertThat(exception.details()).isSameAs(details);
    assertThat(exception.getMessage()).startsWith("It failed (").contains("status " + status);
  }

  @Test
  void keepsTheRetryAfterOfARateLimit() {
    ErrorDetails details =
        new ErrorDetails("azure", 429, null, null, null, null, Duration.ofSeconds(7));

    assertThat(HttpErrors.toException("slow down", details).retryAfter())
        .contains(Duration.ofSeconds(7));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 200, 302, 399})
  void refusesAStatusThatIsNoError(int status) {
    ErrorDetails details = new ErrorDetails("openai", status, null, null, null, null, null);

    assertThatThrownBy(() -> HttpErrors.toException("fine", details))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an error status");
  }
}
