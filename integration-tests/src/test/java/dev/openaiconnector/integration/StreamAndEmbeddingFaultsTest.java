package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.PartialEmbeddingException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.EmbeddingOptions;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.openai.OpenAiProvider;
import dev.openaiconnector.testkit.FakeEmbeddingsPort;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import dev.openaiconnector.testkit.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults met while a stream opens and while a corpus is embedded in batches, over real HTTP:
 * a stream is retried only until it has started, and only the batch that failed is sent again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamAndEmbeddingFaultsTest {
  private static final String MODEL = "text-embedding-3-small";

  private FakeOpenAiServer server;
  private final List<CallEvent> retries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() {
    server = FakeOpenAiServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Connector connector(ResilienceOptions.Builder resilience) {
    return Connectors.builder()
        .provider(
            OpenAiProvider.builder()
                .apiKey("sk-test-faults")
                .baseUrl(server.baseUrl().toString())
                .build())
        .resilience(resilience.build())
        // Four inputs a request, one request at a time: the order of requests is known.
        .embeddings(
            EmbeddingOptions.builder().maxInputsPerRequest(4).maxParallelRequests(1).build())
        .listener(
            new CallListener() {
              @Override
              public void onRetry(CallEvent event) {
                retries.add(event);
              }
            })
        .build();
  }

  private static ResilienceOptions.Builder quick() {
    return ResilienceOptions.builder()
        .initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(5));
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("gpt-4o-mini").user("Hello").build();
  }

  private static List<String> texts(int count) {
    return IntStream.range(0, count).mapToObj(i -> "text number " + i).toList();
  }

  private static String streamed(Connector ai) {
    StringBuilder text = new StringBuilder();
    try (ChatStream stream = ai.stream(hello())) {
      stream.forEach(delta -> text.append(delta.text()));
    }
    return text.toString();
  }

  @Test
  void retriesAStreamWhoseOpeningMetAServerError() {
    server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"));

    try (Connector ai = connector(quick())) {
      assertThat(streamed(ai)).isEqualTo("Echo: Hello");
    }
    assertThat(retries).singleElement()
        .satisfies(retry -> assertThat(retry.failure()).isInstanceOf(ServerException.class));
  }

  @Test
  void retriesAStreamWhoseConnectionWasResetBeforeItStarted() {
    server.enqueue(FakeResponse.resetConnection());

    try (Connector ai = connector(quick())) {
      assertThat(streamed(ai)).isEqualTo("Echo: Hello");
    }
    assertThat(retries).singleElement()
        .satisfies(retry -> assertThat(retry.failure()).isInstanceOf(ConnectionException.class));
  }

  @Test
  void timesOutAStreamWhoseErrorBodyStallsWhileOpening() {
    server.enqueue(
        FakeResponse.error(500, "server_error", null, "Broken").bodyStallAfter(10));

    try (Connector ai = connector(quick().maxRetries(0).attemptTimeout(Duration.ofMillis(300)))) {
      assertThat(catchThrowableOfType(RequestTimeoutException.class, () -> streamed(ai)))
          .isNotNull();
    }
  }

  @Test
  void neverRetriesAStreamThatHasStarted() {
    server.enqueue(FakeResponse.streamedChatCompletion("Hello there, friend", 3).cutAfter(2));

    try (Connector ai = connector(quick())) {
      assertThat(catchThrowableOfType(ConnectionException.class, () -> streamed(ai)))
          .isNotNull();
    }
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(retries).isEmpty();
  }

  @Test
  void resendsOnlyTheBatchThatFailed() {
    server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"));
    List<String> texts = texts(10);

    EmbeddingResponse response;
    try (Connector ai = connector(quick())) {
      response = ai.embedAll(MODEL, texts);
    }

    List<RecordedRequest> requests = server.requests();
    assertThat(requests).hasSize(4);
    assertThat(requests.get(1).body()).as("the retry sends the failed batch again")
        .isEqualTo(requests.get(0).body());
    assertThat(requests.get(2).body()).contains("text number 4").doesNotContain("text number 3");
    assertThat(response.embeddings()).hasSize(10);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(response.embeddings().get(i).index()).isEqualTo(i);
      assertThat(response.vector(i))
          .containsExactly(FakeEmbeddingsPort.vector(MODEL, texts.get(i), null));
    }
  }

  @Test
  void keepsTheVectorsOfTheOtherBatchesWhenOneFailsForGood() {
    server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"), 3);

    try (Connector ai = connector(quick().maxRetries(2))) {
      PartialEmbeddingException partial =
          catchThrowableOfType(
              PartialEmbeddingException.class, () -> ai.embedAll(MODEL, texts(10)));

      assertThat(partial.missingIndices()).containsExactly(0, 1, 2, 3);
      assertThat(partial.getCause()).isInstanceOf(ServerException.class);
      List<Integer> kept = new ArrayList<>();
      for (int i = 0; i < partial.partial().size(); i++) {
        if (partial.partial().get(i) != null) {
          kept.add(i);
        }
      }
      assertThat(kept).containsExactly(4, 5, 6, 7, 8, 9);
    }
    assertThat(server.requestCount()).isEqualTo(5);
  }

  @Test
  void stopsStartingBatchesAfterARefusedKey() {
    server.enqueue(
        FakeResponse.error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key"));

    try (Connector ai = connector(quick())) {
      assertThat(
              catchThrowableOfType(
                  AuthenticationException.class, () -> ai.embedAll(MODEL, texts(10))))
          .isNotNull();
    }
    assertThat(server.requestCount()).isEqualTo(1);
  }
}
