package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.testkit.FakeEmbeddingsPort;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embeddings port end to end over real HTTP against the fake OpenAI server. */
class OpenAiEmbeddingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "text-embedding-3-small";

  private FakeOpenAiServer server;
  private OpenAiProvider provider;
  private EmbeddingsPort port;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    provider =
        OpenAiProvider.builder()
            .apiKey("sk-test-key-123456")
            .baseUrl(server.baseUrl().toString())
            .build();
    port = provider.embeddings().orElseThrow();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  @AfterEach
  void everyRequestConformsToTheSpec() {
    SpecConformance.assertRequestsConform(server);
  }

  private static EmbeddingRequest request(String... inputs) {
    return EmbeddingRequest.builder().model(MODEL).inputs(List.of(inputs)).build();
  }

  private JsonNode lastBody() throws Exception {
    return JSON.readTree(server.requests().get(server.requestCount() - 1).body());
  }

  @Test
  void declaresEmbeddingsWithOpenAisInputLimit() {
    assertThat(provider.capabilities()).contains(Capability.EMBEDDINGS);
    assertThat(new OpenAiProviderFactory().capabilities()).contains(Capability.EMBEDDINGS);
    assertThat(port.maxInputsPerRequest()).isEqualTo(2048);
  }

  @Test
  void asksForBase64AndDecodesTheSameFloatsTheServerComputed() throws Exception {
    EmbeddingResponse response = port.embed(request("hello", "world"), soon());

    JsonNode sent = lastBody();
    assertThat(sent.get("encoding_format").asText()).isEqualTo("base64");
    assertThat(sent.get("model").asText()).isEqualTo(MODEL);
    assertThat(sent.get("input")).hasSize(2);
    assertThat(sent.has("dimensions")).isFalse();
    assertThat(sent.has("user")).isFalse();
    assertThat(response.vector(0))
        .hasSize(1536)
        .isEqualTo(FakeEmbeddingsPort.vector(MODEL, "hello", null));
    assertThat(response.vector(1)).isEqualTo(FakeEmbeddingsPort.vector(MODEL, "world", null));
    assertThat(response.model()).isEqualTo(MODEL);
    assertThat(response.usage()).isEqualTo(TokenUsage.of(4, 0));
    assertThat(response.requestId()).isEqualTo("req_fake_1");
  }

  @Test
  void decodesBase64BitForBitLikeTheFloatJsonOfTheSameVectors() {
    EmbeddingResponse base64 = port.embed(request("alpha", "beta", "gamma"), soon());
    // The server ignores encoding_format: the same vectors, as decimal float JSON.
    server.enqueue(FakeResponse.json(200, floatJsonOf("alpha", "beta", "gamma")));
    EmbeddingResponse floats = port.embed(request("alpha", "beta", "gamma"), soon());

    for (int i = 0; i < 3; i++) {
      float[] a = base64.vector(i);
      float[] b = floats.vector(i);
      assertThat(a).hasSameSizeAs(b);
      for (int d = 0; d < a.length; d++) {
        assertThat(Float.floatToRawIntBits(a[d])).isEqualTo(Float.floatToRawIntBits(b[d]));
      }
    }
  }

  /** What the fake server answers for encoding_format float, fetched with a plain client. */
  private String floatJsonOf(String... inputs) {
    StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
    for (int i = 0; i < inputs.length; i++) {
      float[] vector = FakeEmbeddingsPort.vector(MODEL, inputs[i], null);
      json.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i);
      json.append(",\"embedding\":[");
      for (int d = 0; d < vector.length; d++) {
        json.append(d == 0 ? "" : ",").append(vector[d]);
      }
      json.append("]}");
    }
    return json.append("],\"model\":\"").append(MODEL)
        .append("\",\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}").toString();
  }

  @Test
  void growsTheFirstVectorPastItsGuessAndTrimsBelowIt() {
    // No dimensions asked: the first vector's length is guessed, then known for the rest.
    EmbeddingResponse large =
        port.embed(
            EmbeddingRequest.builder().model("text-embedding-3-large").inputs(List.of("a", "b"))
                .build(),
            soon());
    server.enqueue(
        FakeResponse.json(
            200,
            "{\"object\":\"list\",\"model\":\"m\",\"data\":[{\"object\":\"embedding\","
                + "\"index\":0,\"embedding\":\"AACAPw==\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}"));
    EmbeddingResponse tiny = port.embed(request("a"), soon());

    assertThat(large.vector(1))
        .hasSize(3072)
        .isEqualTo(FakeEmbeddingsPort.vector("text-embedding-3-large", "b", null));
    assertThat(tiny.vector(0)).containsExactly(1.0f);
  }

  @Test
  void sendsDimensionsAndUser() throws Exception {
    EmbeddingResponse response =
        port.embed(
            EmbeddingRequest.builder().model(MODEL).input("x").dimensions(256).endUserId("u-1")
                .build(),
            soon());

    assertThat(lastBody().get("dimensions").asInt()).isEqualTo(256);
    assertThat(lastBody().get("user").asText()).isEqualTo("u-1");
    assertThat(response.vector(0)).hasSize(256).isEqualTo(FakeEmbeddingsPort.vector(MODEL, "x", 256));
  }

  @Test
  void placesVectorsByIndexWhenTheServerAnswersOutOfOrder() {
    server.enqueue(
        FakeResponse.json(
            200,
            "{\"object\":\"list\",\"model\":\"m\",\"data\":["
                + "{\"embedding\":[3.0,3.5],\"index\":2,\"object\":\"embedding\"},"
                + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[1.0,1.5]},"
                + "{\"object\":\"embedding\",\"index\":1,\"embedding\":\"AAAAQAAAIEA=\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}"));

    EmbeddingResponse response = port.embed(request("a", "b", "c"), soon());

    assertThat(response.vector(0)).containsExactly(1.0f, 1.5f);
    assertThat(response.vector(1)).containsExactly(2.0f, 2.5f);
    assertThat(response.vector(2)).containsExactly(3.0f, 3.5f);
    assertThat(response.embeddings().get(2).index()).isEqualTo(2);
  }

  @Test
  void rejectsAnswersThatDoNotMatchTheInputsOneToOne() {
    String[][] cases = {
      {"[{\"index\":0,\"embedding\":[1]}]", "no embedding for index 1"},
      {"[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[2]}]", "index 0 twice"},
      {"[{\"index\":0,\"embedding\":[1]},{\"index\":2,\"embedding\":[2]}]", "out of range"},
      {"[{\"index\":0,\"embedding\":[1]},{\"embedding\":[2]}]", "without an index"},
      {"[{\"index\":0,\"embedding\":[1]},{\"index\":1,\"embedding\":[2,3]}]", "different lengths"},
      {"[{\"index\":0,\"embedding\":[]},{\"index\":1,\"embedding\":[2]}]", "empty embedding"},
      {"[{\"index\":0,\"embedding\":\"AAA=\"},{\"index\":1,\"embedding\":[2]}]", "float32"},
      {"[{\"index\":0,\"embedding\":[\"1\"]},{\"index\":1,\"embedding\":[2]}]", "not a number"},
      {"[{\"index\":0,\"embedding\":{}},{\"index\":1,\"embedding\":[2]}]", "neither"},
      {"[{\"index\":\"0\",\"embedding\":[1]}]", "not an integer"},
      {"[{\"index\":0},{\"index\":1,\"embedding\":[2]}]", "no embedding at index 0"},
    };
    for (String[] c : cases) {
      server.enqueue(
          FakeResponse.json(200, "{\"object\":\"list\",\"model\":\"m\",\"data\":" + c[0] + "}"));

      assertThatThrownBy(() -> port.embed(request("secret one", "secret two"), soon()))
          .as(c[0])
          .isInstanceOf(UnexpectedResponseException.class)
          .hasMessageStartingWith("The embeddings response")
          .hasMessageContaining(c[1])
          .hasMessageNotContaining("secret");
    }
  }

  @Test
  void rejectsBodiesThatAreNotEmbeddings() {
    String[] bodies = {
      "{\"object\":\"list\",\"model\":\"m\"}",
      "[1]",
      "{\"data\":[{\"index\":0,\"embedding\":\"not base64!\"}]}",
      "{\"data\":[{\"index\":0,\"embedding\":\"AAAA*AAA\"}]}",
      "{\"data\":[{\"index\":0,\"embedding\":[0.25,",
      "<html>oops</html>",
    };
    for (String body : bodies) {
      server.enqueue(FakeResponse.json(200, body));

      assertThatThrownBy(() -> port.embed(request("x"), soon()))
          .as(body)
          .isInstanceOf(UnexpectedResponseException.class)
          .hasMessageStartingWith("The embeddings response");
    }
  }

  @Test
  void mapsErrorsLikeChat() {
    server.enqueue(FakeResponse.rateLimited(Duration.ofSeconds(3)));

    assertThatThrownBy(() -> port.embed(request("x"), soon()))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> assertThat(e.details().retryAfterDuration()).contains(Duration.ofSeconds(3)));
    // The fake server rejects dimensions for ada-002 as OpenAI does.
    assertThatThrownBy(
            () ->
                port.embed(
                    EmbeddingRequest.builder().model("text-embedding-ada-002").input("x")
                        .dimensions(8).build(),
                    soon()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(e.details().param()).isEqualTo("dimensions"));
  }

  @Test
  void timesOutWhenTheBodyStalls() {
    server.enqueue(FakeResponse.json(200, floatJsonOf("a")).bodyStallAfter(100));

    assertThatThrownBy(() -> port.embed(request("a"), Deadline.after(Duration.ofMillis(300))))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("body");
  }

  @Test
  void failsBeforeSendingWhenTheDeadlineHasPassed() {
    assertThatThrownBy(() -> port.embed(request("a"), Deadline.after(Duration.ofNanos(1))))
        .isInstanceOf(RequestTimeoutException.class);
    assertThat(server.requestCount()).isZero();
  }
}
