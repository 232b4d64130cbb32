package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.FakeOpenAiServerTest.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.testkit.internal.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeOpenAiServerImagesTest {
  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final TestClient client = new TestClient(server);

  @AfterEach
  void stop() {
    server.close();
  }

  private Map<?, ?> generate(String body) {
    HttpResponse<String> response =
        client.send("POST", "/v1/images/generations", body, "sk-test");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (Map<?, ?>) Json.parse(response.body());
  }

  @Test
  void answersDallEWithUrlsTheServerServesAsPng() throws IOException, InterruptedException {
    Map<?, ?> body = generate("{\"model\":\"dall-e-2\",\"prompt\":\"a cat\",\"n\":2}");

    List<?> data = (List<?>) body.get("data");
    assertThat(data).hasSize(2);
    String url = (String) path(body, "data", 1, "url");
    assertThat(url).startsWith(server.baseUrl() + "/fake-images/");
    assertThat(path(body, "data", 0, "revised_prompt")).isNull();
    // Fetched without a key, like OpenAI's signed image links.
    HttpResponse<byte[]> image =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.headers().firstValue("content-type")).hasValue("image/png");
    assertThat(image.body()).isEqualTo(FakeImagesPort.png());
  }

  @Test
  void answersDallE3WithARevisedPromptAndBase64WhenAsked() {
    Map<?, ?> body =
        generate(
            "{\"model\":\"dall-e-3\",\"prompt\":\"a cat\",\"response_format\":\"b64_json\"}");

    assertThat(path(body, "data", 0, "revised_prompt")).isEqualTo("A detailed rendering of: a cat");
    assertThat(Base64.getDecoder().decode((String) path(body, "data", 0, "b64_json")))
        .isEqualTo(FakeImagesPort.png());
    assertThat(body.get("usage")).isNull();
  }

  @Test
  void answersGptImageWithBase64UsageAndOutputFormat() {
    Map<?, ?> body =
        generate(
            "{\"model\":\"gpt-image-1\",\"prompt\":\"a cat in a hat\",\"n\":2,"
                + "\"quality\":\"low\",\"output_format\":\"webp\"}");

    assertThat((List<?>) body.get("data")).hasSize(2);
    assertThat(path(body, "data", 1, "b64_json")).isInstanceOf(String.class);
    assertThat(body.get("output_format")).isEqualTo("webp");
    assertThat(body.get("quality")).isEqualTo("low");
    assertThat(path(body, "usage", "input_tokens")).isEqualTo(new BigDecimal(4));
    assertThat(path(body, "usage", "output_tokens")).isEqualTo(new BigDecimal(544));
    assertThat(path(body, "usage", "total_tokens")).isEqualTo(new BigDecimal(548));
  }

  @Test
  void rejectsWhatOpenAiRejectsNamingTheParam() {
    String[][] cases = {
      {"{\"model\":\"dall-e-3\",\"prompt\":\"x\",\"n\":2}", "n"},
      {"{\"model\":\"dall-e-2\",\"prompt\":\"x\",\"n\":11}", "n"},
      {"{\"model\":\"dall-e-2\"}", "prompt"},
      {"{\"model\":\"dall-e-2\",\"prompt\":\"x\",\"size\":\"1792x1024\"}", "size"},
      {"{\"model\":\"gpt-image-1\",\"prompt\":\"x\",\"response_format\":\"url\"}",
        "response_format"},
      {"{\"prompt\":\"x\",\"response_format\":\"gif\"}", "response_format"},
    };
    for (String[] c : cases) {
      HttpResponse<String> response =
          client.send("POST", "/v1/images/generations", c[0], "sk-test");

      assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(path((Map<?, ?>) Json.parse(response.body()), "error", "param"))
          .as(c[0])
          .isEqualTo(c[1]);
    }
  }

  @Test
  void answersAnUnknownImageFileWith404() {
    assertThat(client.get("/v1/fake-images/other.png", null).statusCode()).isEqualTo(404);
  }

  @Test
  void appliesScriptedBodyFaultsToImageFiles() {
    Map<?, ?> body = generate("{\"prompt\":\"x\"}");
    String url = (String) path(body, "data", 0, "url");
    server.enqueue(FakeResponse.rateLimited(Duration.ofSeconds(1)));

    HttpResponse<String> limited = client.get(URI.create(url).getPath(), null);

    assertThat(limited.statusCode()).isEqualTo(429);
  }
}
