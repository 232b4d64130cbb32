package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectorExceptionTest {
  private static final ErrorDetails FULL =
      new ErrorDetails(
          "openai",
          429,
          "requests",
          "rate_limit_exceeded",
          "model",
          "req-123",
          Duration.ofMillis(1500));

  static Stream<Arguments> everyHttpException() {
    return Stream.of(
        branch(RateLimitException::new, true),
        branch(RequestTimeoutException::new, true),
        branch(ServerException::new, true),
        branch(ConnectionException::new, true),
        branch(ConflictException::new, true),
        branch(QuotaExceededException::new, false),
        branch(AuthenticationException::new, false),
        branch(PermissionDeniedException::new, false),
        branch(NotFoundException::new, false),
        branch(InvalidRequestException::new, false),
        branch(ContentFilterException::new, false),
        branch(UnexpectedResponseException::new, false));
  }

  private static Arguments branch(
      TriFunction<String, ErrorDetails, Throwable, ConnectorException> constructor,
      boolean retriable) {
    ConnectorException exception = constructor.apply("failed", FULL, null);
    return Arguments.of(exception.getClass().getSimpleName(), exception, retriable);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyHttpException")
  void eachBranchTellsWhetherARetryMayHelp(
      String name, ConnectorException exception, boolean retriable) {
    assertThat(exception.isRetriable()).isEqualTo(retriable);
    assertThat(exception)
        .isInstanceOf(retriable ? RetriableException.class : NonRetriableException.class);
  }

  @Test
  void messageCarriesTheDetails() {
    RateLimitException exception = new RateLimitException("Too many requests", FULL, null);

    assertThat(exception)
        .hasMessage(
            "Too many requests (provider openai, status 429, type requests,"
                + " code rate_limit_exceeded, param model, request id req-123,"
                + " retry after 1500 ms)");
  }

  @Test
  void describesAnAbsurdlyLongRetryAfterWithoutOverflowing() {
    Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
    ErrorDetails details = new ErrorDetails("openai", 429, null, null, null, null, forever);

    assertThat(new RateLimitException("Wait", details, null))
        .hasMessageEndingWith("retry after " + forever.getSeconds() + " s)");
  }

  @Test
  void accessorsExposeTheDetails() {
    IllegalStateException cause = new IllegalStateException("socket");
    ServerException exception = new ServerException("Bad gateway", FULL, cause);

    assertThat(exception.providerId()).contains("openai");
    assertThat(exception.status()).hasValue(429);
    assertThat(exception.errorType()).contains("requests");
    assertThat(exception.errorCode()).contains("rate_limit_exceeded");
    assertThat(exception.requestId()).contains("req-123");
    assertThat(exception.retryAfter()).contains(Duration.ofMillis(1500));
    assertThat(exception.details()).isEqualTo(FULL);
    assertThat(exception).hasCause(cause);
  }

  @Test
  void messageWithoutDetailsIsLeftAsIs() {
    ConfigurationException exception = new ConfigurationException("No provider", null);

    assertThat(exception).hasMessage("No provider");
    assertThat(exception.status()).isEmpty();
    assertThat(exception.providerId()).isEmpty();
    assertThat(exception.retryAfter()).isEmpty();
    assertThat(exception.isRetriable()).isFalse();
  }

  @Test
  void messageNamesOnlyTheDetailsKnown() {
    ConnectionException exception =
        new ConnectionException("Connection reset", ErrorDetails.ofProvider("azure"), null);

    assertThat(exception).hasMessage("Connection reset (provider azure)");
  }

  @Test
  void unsupportedCapabilityNamesTheProviderTheCapabilityAndTheWayOut() {
    UnsupportedCapabilityException exception =
        new UnsupportedCapabilityException("local", "VISION", "remove the images");

    assertThat(exception)
        .hasMessage("Provider 'local' does not support VISION; remove the images (provider local)");
    assertThat(exception.isRetriable()).isFalse();
  }

  @Test
  void validationFailureListsEveryProblem() {
    RequestValidationException one = new RequestValidationException(List.of("model is blank"));
    RequestValidationException two =
        new RequestValidationException(List.of("model is blank", "n is 0"));

    assertThat(one).hasMessage("Invalid request: model is blank");
    assertThat(two).hasMessage("Invalid request, 2 problems: model is blank; n is 0");
    assertThat(two.problems()).containsExactly("model is blank", "n is 0");
    assertThatThrownBy(() -> new RequestValidationException(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 1, 99, 600})
  void detailsRejectAStatusThatIsNoHttpStatus(int status) {
    assertThatThrownBy(() -> new ErrorDetails(null, status, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(status));
  }

  @Test
  void detailsWithoutAStatusHaveNone() {
    assertThat(ErrorDetails.NONE.httpStatus()).isEmpty();
    assertThat(ErrorDetails.NONE.retryAfterDuration()).isEmpty();
    assertThat(ErrorDetails.NONE.describe()).isEmpty();
  }

  /** An exception constructor: message, details, cause. */
  @FunctionalInterface
  interface TriFunction<A, B, C, R> {
    R apply(A a, B b, C c);
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    RateLimitException original =
        new RateLimitException(
            "slow down",
            new ErrorDetails(
                "openai", 429, "requests", "rate_limit_exceeded", null, "req_1",
                java.time.Duration.ofSeconds(2)),
            null);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(original);
    }
    RateLimitException copy;
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (RateLimitException) in.readObject();
    }
    assertThat(copy.details()).isEqualTo(original.details());
    assertThat(copy.getMessage()).isEqualTo(original.getMessage());
  }
}
