package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ConflictException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How HTTP failures reach the application: typed, with status, code and request id. */
class OpenAiErrorsTest {
  private static final String KEY = "sk-proj-SECRETkeyVALUE0987654321";

  private FakeOpenAiServer server;
  private OpenAiProvider provider;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    provider =
        OpenAiProvider.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl().toString())
            .requestTimeout(Duration.ofMillis(500))
            .build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  private ConnectorException failure() {
    ChatRequest request = ChatRequest.builder().model("gpt-4o-mini").user("hi").build();
    ConnectorException failure =
        catchThrowableOfType(ConnectorException.class, () -> provider.chat().complete(request, soon()));
    assertThat(failure).as("the call must fail").isNotNull();
    assertThat(failure.getMessage()).doesNotContain(KEY).doesNotContain("SECRETkey");
    return failure;
  }

  static Stream<Arguments> statusTable() {
    return Stream.of(
        Arguments.of(400, "invalid_request_error", "invalid_value", InvalidRequestException.class),
        Arguments.of(400, "invalid_request_error", "content_filter", ContentFilterException.class),
        Arguments.of(401, "invalid_request_error", "invalid_api_key", AuthenticationException.class),
        Arguments.of(403, "permission_error", "unsupported_country", PermissionDeniedException.class),
        Arguments.of(404, "invalid_request_error", "model_not_found", NotFoundException.class),
        Arguments.of(408, "timeout", "timeout", RequestTimeoutException.class),
        Arguments.of(409, "conflict", "conflict", ConflictException.class),
        Arguments.of(422, "invalid_request_error", "unprocessable", InvalidRequestException.class),
        Arguments.of(429, "requests", "rate_limit_exceeded", RateLimitException.class),
        Arguments.of(429, "insufficient_quota", "insufficient_quota", QuotaExceededException.class),
        Arguments.of(500, "server_error", "internal", ServerException.class),
        Arguments.of(503, "server_error", "overloaded", ServerException.class));
  }

  @ParameterizedTest(name = "{0} {2} -> {3}")
  @MethodSource("statusTable")
  void mapsTheOpenAiErrorBodyByStatusTable(
      int status, String type, String code, Class<? extends ConnectorException> expected) {
    server.enqueue(
        FakeResponse.error(status, type, code, "Something about the request")
            .header("x-request-id", "req_abc"));

    ConnectorException failure = failure();

    assertThat(failure).isExactlyInstanceOf(expected);
    assertThat(failure.status()).hasValue(status);
    assertThat(failure.errorType()).hasValue(type);
    assertThat(failure.errorCode()).hasValue(code);
    assertThat(failure.requestId()).hasValue("req_abc");
    assertThat(failure.providerId()).hasValue("openai");
    assertThat(failure.getMessage())
        .contains("Something about the request")
        .contains("status " + status)
        .contains("req_abc");
  }

  @Test
  void namesTheParameterTheServerBlamed() {
    server.enqueue(
        FakeResponse.json(
            400,
            "{\"error\":{\"message\":\"bad temperature\",\"type\":\"invalid_request_error\","
                + "\"param\":\"temperature\",\"code\":null}}"));

    ConnectorException failure = failure();

    assertThat(failure.details().param()).isEqualTo("temperature");
    assertThat(failure.errorCode()).isEmpty();
  }

  @Test
  void scrubsKeyFragmentsTheServerQuotesBack() {
    server.enqueue(
        FakeResponse.error(
            401,
            "invalid_request_error",
            "invalid_api_key",
            "Incorrect API key provided: " + KEY + ". You can find your API key at ..."));

    assertThat(failure().getMessage()).contains("Incorrect API key provided: sk-***");
  }

  @Test
  void readsRetryAfterInMilliseconds() {
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "slow down")
            .header("retry-after-ms", "1500"));

    assertThat(failure().retryAfter()).hasValue(Duration.ofMillis(1500));
  }

  @Test
  void readsRetryAfterInSeconds() {
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "slow down")
            .header("Retry-After", "7"));

    assertThat(failure().retryAfter()).hasValue(Duration.ofSeconds(7));
  }

  @Test
  void readsRetryAfterAsAnHttpDate() {
    String inOneMinute =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusMinutes(1));
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "slow down")
            .header("Retry-After", inOneMinute));

    assertThat(failure().retryAfter())
        .hasValueSatisfying(
            wait -> assertThat(wait).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(61)));
  }

  @Test
  void turnsAnHtmlProxyPageIntoAServerErrorWithAnExcerpt() {
    server.enqueue(
        FakeResponse.body(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
                + "<p>The upstream server is unavailable.</p></body></html>"));

    ConnectorException failure = failure();

    assertThat(failure).isInstanceOf(ServerException.class);
    assertThat(failure.isRetriable()).isTrue();
    assertThat(failure.status()).hasValue(502);
    assertThat(failure.getMessage()).contains("502 Bad Gateway").doesNotContain("<html>");
  }

  @Test
  void reportsANonJsonSuccessBodyAsUnexpected() {
    server.enqueue(FakeResponse.body(200, "text/plain", "all good"));

    ConnectorException failure = failure();

    assertThat(failure).isInstanceOf(UnexpectedResponseException.class);
    assertThat(failure.status()).hasValue(200);
  }

  @Test
  void reportsTruncatedJsonAsUnexpected() {
    server.enqueue(
        FakeResponse.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choi"));

    assertThat(failure()).isInstanceOf(UnexpectedResponseException.class);
  }

  @Test
  void reportsAnAnswerWithoutChoicesAsUnexpected() {
    server.enqueue(
        FakeResponse.json(
            200,
            "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[]}"));

    assertThat(failure()).isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("no choices");
  }

  @Test
  void timesOutWhenTheHeadersNeverCome() {
    server.enqueue(FakeResponse.chatCompletion("late").delay(Duration.ofSeconds(3)));

    ConnectorException failure = failure();

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
    assertThat(failure.isRetriable()).isTrue();
  }

  @Test
  void reportsARefusedConnection() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OpenAiProvider nowhere =
        OpenAiProvider.builder()
            .apiKey(KEY)
            .baseUrl("http://127.0.0.1:" + closedPort + "/v1")
            .build();
    ChatRequest request = ChatRequest.builder().model("gpt-4o-mini").user("hi").build();

    assertThatThrownBy(() -> nowhere.chat().complete(request, soon()))
        .isInstanceOf(ConnectionException.class)
        .hasMessageStartingWith(
            "The call to POST http://127.0.0.1:" + closedPort + "/v1/chat/completions failed (")
        .hasMessageEndingWith("(provider openai)")
        .hasMessageNotContaining(KEY);
    nowhere.close();
  }

  @Test
  void reportsANullBodyAndMissingFieldsAsUnexpectedWithoutQuotingTheBody() {
    server.enqueue(FakeResponse.json(200, "null"));
    assertThat(failure()).isInstanceOf(UnexpectedResponseException.class);

    server.enqueue(
        FakeResponse.json(
            200,
            "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"finish_reason\":\"tool_calls\",\"logprobs\":null,"
                + "\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\"}]}}]}"));
    assertThat(failure()).isInstanceOf(UnexpectedResponseException.class);

    server.enqueue(FakeResponse.json(200, "{\"id\": PrivateWordsOfTheAnswer}"));
    assertThat(failure())
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageNotContaining("PrivateWordsOfTheAnswer");
  }

  @Test
  void refusesABrokenToolSchemaBeforeAnyCall() {
    dev.openaiconnector.api.Tool broken =
        dev.openaiconnector.api.Tool.of(
            new dev.openaiconnector.api.ToolDefinition(
                "lookup", "Looks up", "{\"type\":\"object\"}, \"x\": {}", false),
            arguments -> "");
    ChatRequest request =
        ChatRequest.builder().model("gpt-4o-mini").user("hi").tool(broken).build();

    assertThatThrownBy(() -> provider.chat().complete(request, soon()))
        .isInstanceOf(dev.openaiconnector.api.RequestValidationException.class)
        .hasMessageContaining("parametersSchema of tool 'lookup'");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void turnsAStandardHtmlErrorPageIntoAServerErrorWithoutTheMarkup() {
    server.enqueue(FakeResponse.htmlErrorPage(503));

    ConnectorException failure = failure();

    assertThat(failure).isExactlyInstanceOf(ServerException.class);
    assertThat(failure.status()).hasValue(503);
    assertThat(failure.getMessage()).contains("503 Service").doesNotContain("<");
  }

  @Test
  void reportsATruncatedErrorBodyByItsStatusWithOnlyAnExcerpt() {
    server.enqueue(FakeResponse.json(500, "{\"error\":{\"message\":\"Internal"));
    server.enqueue(FakeResponse.json(200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"secret answ"));

    ConnectorException serverError = failure();
    ConnectorException truncated = failure();

    assertThat(serverError).isExactlyInstanceOf(ServerException.class);
    assertThat(truncated).isExactlyInstanceOf(UnexpectedResponseException.class);
    assertThat(truncated.getMessage()).doesNotContain("secret answ").doesNotContain("chatcmpl-1");
  }

  @Test
  void readsRetryAfterFromAzuresMillisecondsHeader() {
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "slow down")
            .header("x-ms-retry-after-ms", "2500")
            .header("Retry-After", "9"));

    assertThat(failure().retryAfter()).hasValue(Duration.ofMillis(2500));
  }

  @Test
  void redactsTheErrorTypeCodeAndParamTheServerSends() {
    server.enqueue(
        FakeResponse.json(
            401,
            "{\"error\":{\"message\":\"no\",\"type\":\"bad key " + KEY + "\","
                + "\"param\":\"" + KEY + "\",\"code\":\"Bearer abc.SECRETtoken\"}}"));

    ConnectorException failure = failure();

    assertThat(failure.errorType()).hasValue("bad key sk-***");
    assertThat(failure.details().param()).isEqualTo("sk-***");
    assertThat(failure.errorCode()).hasValue("Bearer ***");
    assertThat(failure.getMessage()).doesNotContain("SECRETtoken");
  }

  @Test
  void leavesNoHalfOfAKeyWhereTheExcerptIsCut() {
    String localKey = "local-key-0123456789-SECRETpart";
    OpenAiProvider local =
        OpenAiProvider.builder().apiKey(localKey).baseUrl(server.baseUrl().toString()).build();
    // The key starts 181 characters in, so the cut after 200 goes through it.
    server.enqueue(FakeResponse.body(500, "text/plain", "x".repeat(180) + " " + localKey + " end"));
    ChatRequest request = ChatRequest.builder().model("gpt-4o-mini").user("hi").build();
    try {
      ConnectorException failure =
          catchThrowableOfType(
              ConnectorException.class, () -> local.chat().complete(request, soon()));

      assertThat(failure).isInstanceOf(ServerException.class);
      assertThat(failure.getMessage()).contains("xxx ***").doesNotContain("local-key");
    } finally {
      local.close();
    }
  }

  @Test
  void aHeaderTheJdkRefusesFailsEveryPortWithAConfigurationErrorThatQuotesNothing() {
    // The builder checks the key; this value reaches the JDK, which quotes it when it refuses it.
    OpenAiProvider refused =
        OpenAiProvider.builder()
            .apiKey(KEY)
            .organization("org-\r\n" + KEY)
            .baseUrl(server.baseUrl().toString())
            .build();
    List<ThrowingCallable> calls =
        List.of(
            () ->
                refused
                    .chat()
                    .complete(ChatRequest.builder().model("m").user("hi").build(), soon()),
            () ->
                refused
                    .chatStream()
                    .orElseThrow()
                    .open(ChatRequest.builder().model("m").user("hi").build(), soon()),
            () ->
                refused
                    .embeddings()
                    .orElseThrow()
                    .embed(EmbeddingRequest.builder().model("m").input("hi").build(), soon()),
            () ->
                refused
                    .images()
                    .orElseThrow()
                    .generate(ImageRequest.builder().model("m").prompt("a cat").build(), soon()));
    try {
      for (ThrowingCallable call : calls) {
        Throwable failure = catchThrowableOfType(RuntimeException.class, call);

        assertThat(failure).isInstanceOf(ConfigurationException.class);
        assertThat(failure.getMessage())
            .contains("openai")
            .contains("organization")
            .doesNotContain("SECRETkey");
        assertThat(failure.getCause()).isNull();
      }
      assertThat(server.requestCount()).isZero();
    } finally {
      refused.close();
    }
  }
}
