package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ContentFilterResult;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.UnexpectedResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One chunk's data to api deltas, and errors inside the stream to typed exceptions. */
class ChatChunkDecoderTest {
  private static final ObjectMapper MAPPER = OpenAiTransport.objectMapper();
  private static final ErrorDetails DETAILS =
      new ErrorDetails("openai", 200, null, null, null, "req_stream", null);

  private final ChatChunkDecoder decoder =
      new ChatChunkDecoder(
          MAPPER.readerFor(ChatCompletionChunkDto.class),
          new HttpFailures(
              "openai", "OpenAI", MAPPER.readerFor(ErrorResponseDto.class), Redactor.NO_KEY),
          DETAILS,
          "");

  private List<ChatDelta> decode(String event) {
    ServerSentEventReader reader =
        new ServerSentEventReader(
            new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
    try {
      assertThat(reader.next()).as("an event in %s", event).isTrue();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    ArrayDeque<ChatDelta> out = new ArrayDeque<>();
    decoder.decode(reader, out);
    return List.copyOf(out);
  }

  private static String chunk(String choices) {
    return "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_1\",\"choices\":["
        + choices
        + "],\"usage\":null}\n\n";
  }

  @Test
  void turnsTextIntoADeltaAndRemembersIdAndModel() {
    List<ChatDelta> deltas =
        decode(
            chunk(
                "{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}"));

    assertThat(deltas).containsExactly(new ChatDelta(0, "Hel", null, List.of(), null, null));
    assertThat(decoder.completionId()).isEqualTo("chatcmpl-9");
    assertThat(decoder.model()).isEqualTo("gpt-4o-2024-08-06");
  }

  @Test
  void skipsAChunkWithARoleOnly() {
    assertThat(
            decode(
                chunk(
                    "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                        + "\"refusal\":null},\"finish_reason\":null}")))
        .isEmpty();
    assertThat(decoder.completionId()).isEqualTo("chatcmpl-9");
  }

  @Test
  void handsOnTheEmptyTextOfTheFirstChunkAsItCame() {
    assertThat(
            decode(
                chunk(
                    "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                        + "\"refusal\":null},\"finish_reason\":null}")))
        .containsExactly(new ChatDelta(0, "", null, List.of(), null, null));
  }

  @Test
  void carriesRefusalAndFinishReason() {
    assertThat(decode(chunk("{\"index\":0,\"delta\":{\"refusal\":\"I can't\"}}")))
        .containsExactly(new ChatDelta(0, null, "I can't", List.of(), null, null));
    assertThat(decode(chunk("{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}")))
        .containsExactly(new ChatDelta(0, null, null, List.of(), FinishReason.LENGTH, null));
    assertThat(decode(chunk("{\"index\":0,\"delta\":{},\"finish_reason\":\"brand_new\"}")))
        .singleElement()
        .satisfies(delta -> assertThat(delta.finishReason().value()).isEqualTo("brand_new"));
  }

  @Test
  void givesOneDeltaPerChoice() {
    List<ChatDelta> deltas =
        decode(
            chunk(
                "{\"index\":0,\"delta\":{\"content\":\"A\"}},"
                    + "{\"index\":1,\"delta\":{\"content\":\"B\"}},"
                    + "{\"index\":2,\"delta\":{},\"finish_reason\":\"stop\"}"));

    assertThat(deltas)
        .extracting(ChatDelta::choiceIndex, ChatDelta::content, ChatDelta::finishReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "A", null),
            org.assertj.core.groups.Tuple.tuple(1, "B", null),
            org.assertj.core.groups.Tuple.tuple(2, null, FinishReason.STOP));
  }

  @Test
  void turnsToolCallFragmentsIntoToolCallDeltas() {
    List<ChatDelta> deltas =
        decode(
            chunk(
                "{\"index\":0,\"delta\":{\"tool_calls\":["
                    + "{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}},"
                    + "{\"index\":1,\"function\":{\"arguments\":\"{\\\"ci\"}}]}}"));

    assertThat(deltas).singleElement().satisfies(delta -> {
      assertThat(delta.content()).isNull();
      assertThat(delta.toolCalls())
          .containsExactly(
              new ToolCallDelta(0, "call_a", "get_weather", ""),
              new ToolCallDelta(1, null, null, "{\"ci"));
    });
  }

  @Test
  void turnsTheUsageChunkIntoAUsageDeltaWithCachedAndReasoningTokens() {
    List<ChatDelta> deltas =
        decode(
            "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"o3-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,"
                + "\"completion_tokens\":30,\"total_tokens\":50,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":8,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":12}}}\n\n");

    assertThat(deltas)
        .containsExactly(
            new ChatDelta(0, null, null, List.of(), null, new TokenUsage(20, 30, 50, 8, 12)));
  }

  @Test
  void putsTheUsageAfterTheChoicesOfTheSameChunk() {
    // Some compatible servers send the usage on the last choice chunk instead of its own.
    List<ChatDelta> deltas =
        decode(
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
                + "\"completion_tokens\":2,\"total_tokens\":3}}\n\n");

    assertThat(deltas).extracting(ChatDelta::finishReason).containsExactly(FinishReason.STOP, null);
    assertThat(deltas.get(1).usage()).isEqualTo(TokenUsage.of(1, 2));
  }

  @Test
  void skipsAzuresPromptFilterChunkWithoutTakingItsEmptyIdAndModel() {
    List<ChatDelta> deltas =
        decode(
            "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":"
                + "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n");

    assertThat(deltas).isEmpty();
    assertThat(decoder.completionId()).isNull();
    assertThat(decoder.model()).isNull();
    assertThat(decoder.contentFilter().prompt())
        .containsExactly(new ContentFilterResult("hate", false, "safe", null));
  }

  @Test
  void reportsNoVerdictsForAnOpenAiStream() {
    decode("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n");

    assertThat(decoder.contentFilter()).isSameAs(ContentFilterReport.NONE);
  }

  @Test
  void givesAContentFilterErrorInTheStreamItsVerdicts() {
    ContentFilterException failure =
        catchThrowableOfType(
            ContentFilterException.class,
            () ->
                decode(
                    "data: {\"error\":{\"message\":\"filtered\",\"type\":null,"
                        + "\"code\":\"content_filter\",\"status\":400,\"innererror\":{"
                        + "\"code\":\"ResponsibleAIPolicyViolation\",\"content_filter_result\":"
                        + "{\"sexual\":{\"filtered\":true,\"severity\":\"high\"}}}}}\n\n"));

    assertThat(failure.report().prompt())
        .containsExactly(new ContentFilterResult("sexual", true, "high", null));
    assertThat(failure.errorCode()).hasValue("content_filter");
  }

  static Stream<Arguments> streamErrors() {
    return Stream.of(
        Arguments.of("server_error", "null", ServerException.class, 200),
        Arguments.of("unknown_kind", "\"whatever\"", ServerException.class, 200),
        Arguments.of("requests", "\"rate_limit_exceeded\"", RateLimitException.class, 200),
        Arguments.of("insufficient_quota", "\"insufficient_quota\"",
            QuotaExceededException.class, 200),
        Arguments.of("invalid_request_error", "\"content_filter\"",
            ContentFilterException.class, 200),
        Arguments.of("invalid_request_error", "null", InvalidRequestException.class, 200),
        Arguments.of("BadRequestError", "400", InvalidRequestException.class, 400),
        Arguments.of("RateLimitError", "429", RateLimitException.class, 429),
        Arguments.of("InternalServerError", "500", ServerException.class, 500));
  }

  @ParameterizedTest(name = "{0}/{1} -> {2}")
  @MethodSource("streamErrors")
  void mapsAnErrorInTheStreamByItsCodeAndType(
      String type, String code, Class<? extends ConnectorException> expected, int status) {
    String error =
        "{\"error\":{\"message\":\"It broke\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
            + code + "}}";

    for (String event :
        List.of("data: " + error + "\n\n", "event: error\ndata: " + error + "\n\n")) {
      ConnectorException failure =
          catchThrowableOfType(ConnectorException.class, () -> decode(event));

      assertThat(failure).isExactlyInstanceOf(expected);
      assertThat(failure.getMessage()).contains("It broke");
      assertThat(failure.status()).hasValue(status);
      assertThat(failure.errorType()).hasValue(type);
      assertThat(failure.requestId()).hasValue("req_stream");
      assertThat(failure.providerId()).hasValue("openai");
    }
  }

  @Test
  void reportsAnErrorEventThatIsNotAnOpenAiErrorAsAServerError() {
    ConnectorException failure =
        catchThrowableOfType(
            ConnectorException.class, () -> decode("event: error\ndata: upstream timed out\n\n"));

    assertThat(failure).isInstanceOf(ServerException.class);
    assertThat(failure.isRetriable()).isTrue();
    assertThat(failure.getMessage()).contains("upstream timed out");
  }

  @Test
  void reportsAMalformedChunkWithoutItsContent() {
    for (String data :
        List.of(
            "{\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"secret answer",
            "secret answer",
            "{\"choices\":\"secret answer\"}",
            "null")) {
      ConnectorException failure =
          catchThrowableOfType(ConnectorException.class, () -> decode("data: " + data + "\n\n"));

      assertThat(failure).as(data).isInstanceOf(UnexpectedResponseException.class);
      assertThat(failure.getMessage()).doesNotContain("secret").contains("req_stream");
      assertThat(failure.getCause()).isNull();
    }
  }
}
