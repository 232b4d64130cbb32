package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.testkit.FakeImagesPort;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The image generation port end to end over real HTTP against the fake OpenAI server. */
class OpenAiImagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeOpenAiServer server;
  private OpenAiProvider provider;
  private ImagesPort port;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    provider =
        OpenAiProvider.builder()
            .apiKey("sk-test-key-123456")
            .baseUrl(server.baseUrl().toString())
            .build();
    port = provider.images().orElseThrow();
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

  private JsonNode lastBody() throws Exception {
    return JSON.readTree(server.requests().get(server.requestCount() - 1).body());
  }

  @Test
  void declaresImageGeneration() {
    assertThat(provider.capabilities()).contains(Capability.IMAGE_GENERATION);
    assertThat(new OpenAiProviderFactory().capabilities()).contains(Capability.IMAGE_GENERATION);
  }

  @Test
  void returnsUrlsThatServeAPng() throws Exception {
    ImageResponse response =
        port.generate(
            ImageRequest.builder().model("dall-e-2").prompt("a cat").n(2).size("256x256").build(),
            soon());

    JsonNode sent = lastBody();
    assertThat(sent.get("n").asInt()).isEqualTo(2);
    assertThat(sent.get("size").asText()).isEqualTo("256x256");
    assertThat(sent.has("response_format")).isFalse();
    assertThat(sent.has("style")).isFalse();
    assertThat(response.images()).hasSize(2);
    GeneratedImage image = response.images().get(0);
    assertThat(image.bytes()).isEmpty();
    assertThat(image.mimeType()).isEqualTo("image/png");
    assertThat(response.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(response.requestId()).isEqualTo("req_fake_1");
    URI url = image.url().orElseThrow();
    HttpResponse<byte[]> fetched =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(ImageIO.read(new ByteArrayInputStream(fetched.body()))).isNotNull();
  }

  @Test
  void decodesBase64ImagesWithTheRevisedPrompt() throws Exception {
    ImageResponse response =
        port.generate(
            ImageRequest.builder()
                .model("dall-e-3")
                .prompt("a cat")
                .quality("hd")
                .style("natural")
                .responseFormat(ImageRequest.Format.B64_JSON)
                .endUserId("u-1")
                .build(),
            soon());

    JsonNode sent = lastBody();
    assertThat(sent.get("response_format").asText()).isEqualTo("b64_json");
    assertThat(sent.get("quality").asText()).isEqualTo("hd");
    assertThat(sent.get("style").asText()).isEqualTo("natural");
    assertThat(sent.get("user").asText()).isEqualTo("u-1");
    GeneratedImage image = response.images().get(0);
    assertThat(image.bytes()).hasValueSatisfying(b -> assertThat(b).isEqualTo(FakeImagesPort.png()));
    assertThat(image.url()).isEmpty();
    assertThat(image.revisedPrompt()).hasValue("A detailed rendering of: a cat");
  }

  @Test
  void readsGptImageUsageAndTheMimeTypeOfTheOutputFormat() throws Exception {
    ImageResponse response =
        port.generate(
            ImageRequest.builder()
                .model("gpt-image-1")
                .prompt("a cat in a hat")
                .n(2)
                .quality("low")
                .background("transparent")
                .outputFormat("webp")
                .build(),
            soon());

    JsonNode sent = lastBody();
    assertThat(sent.get("background").asText()).isEqualTo("transparent");
    assertThat(sent.get("output_format").asText()).isEqualTo("webp");
    assertThat(response.images()).hasSize(2);
    assertThat(response.images()).allSatisfy(i -> assertThat(i.mimeType()).isEqualTo("image/webp"));
    assertThat(response.usage()).isEqualTo(TokenUsage.of(4, 544));
  }

  @Test
  void prefersTheAnswersOutputFormatToTheRequests() {
    String png = Base64.getEncoder().encodeToString(FakeImagesPort.png());
    server.enqueue(
        FakeResponse.json(
            200,
            "{\"created\":1,\"data\":[{\"b64_json\":\"" + png + "\"}],\"output_format\":\"jpeg\"}"));
    server.enqueue(FakeResponse.json(200, "{\"created\":1,\"data\":[{\"b64_json\":\"" + png + "\"}]}"));
    ImageRequest request =
        ImageRequest.builder().model("gpt-image-1").prompt("x").outputFormat("webp").build();

    assertThat(port.generate(request, soon()).images().get(0).mimeType()).isEqualTo("image/jpeg");
    assertThat(port.generate(request, soon()).images().get(0).mimeType()).isEqualTo("image/webp");
  }

  @Test
  void rejectsAnswersWithoutImages() {
    String[] bodies = {
      "{\"created\":1,\"data\":[]}",
      "{\"created\":1}",
      "{\"created\":1,\"data\":[{\"revised_prompt\":\"secret\"}]}",
      "{\"created\":1,\"data\":[{\"url\":\"not absolute\"}]}",
      "{\"created\":1,\"data\":[{\"b64_json\":\"%%%\"}]}",
      "{\"created\":1,\"data\":[{\"b64_json\":\"AAAA\"",
    };
    for (String body : bodies) {
      server.enqueue(FakeResponse.json(200, body));

      assertThatThrownBy(
              () -> port.generate(ImageRequest.builder().model("dall-e-2").prompt("x").build(), soon()))
          .as(body)
          .isInstanceOf(UnexpectedResponseException.class)
          .hasMessageStartingWith("The image generation response")
          .hasMessageNotContaining("secret");
    }
  }

  @Test
  void mapsErrors() {
    server.enqueue(FakeResponse.error(500, "server_error", null, "Boom"));

    assertThatThrownBy(
            () -> port.generate(ImageRequest.builder().model("dall-e-2").prompt("x").build(), soon()))
        .isInstanceOf(ServerException.class);
    // A model the builder does not check; the fake server holds it to dall-e-2's sizes.
    assertThatThrownBy(
            () ->
                port.generate(
                    ImageRequest.builder().model("dall-e-2-custom").prompt("x").size("999x999")
                        .build(),
                    soon()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.details().param()).isEqualTo("size"));
  }

  @Test
  void timesOutWhenTheBodyStalls() {
    server.enqueue(
        FakeResponse.json(200, "{\"created\":1,\"data\":[{\"url\":\"https://x/1.png\"}]}")
            .bodyStallAfter(10));

    assertThatThrownBy(
            () ->
                port.generate(
                    ImageRequest.builder().model("dall-e-2").prompt("x").build(),
                    Deadline.after(Duration.ofMillis(300))))
        .isInstanceOf(RequestTimeoutException.class);
  }
}
