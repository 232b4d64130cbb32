package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.conformance.OpenApiSpec;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every embeddings and image body the fake server sends is valid per the OpenAI description. */
class FakeOpenAiServerMediaConformanceTest {
  // Read first, so that a missing spec skips a test before it scripts anything.
  private final OpenApiSpec spec = OpenApiSpec.openAi();
  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final TestClient client = new TestClient(server);

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}",
        "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"dimensions\":8,"
            + "\"encoding_format\":\"float\",\"user\":\"u1\"}",
        "{\"model\":\"text-embedding-3-large\",\"input\":[\"a\",\"b\"],"
            + "\"encoding_format\":\"base64\"}"
      })
  void embeddingsAreValidResponses(String request) {
    spec.assertValid("CreateEmbeddingRequest", request);

    HttpResponse<String> response = client.send("POST", "/v1/embeddings", request, "sk");

    assertThat(response.statusCode()).isEqualTo(200);
    if (request.contains("base64")) {
      // The description types the embedding as floats only, though the API sends a string for
      // base64; check everything else.
      spec.assertValid(
          "CreateEmbeddingResponse", response.body().replaceAll("\"embedding\":\"[^\"]*\"",
              "\"embedding\":[0.5]"));
    } else {
      spec.assertValid("CreateEmbeddingResponse", response.body());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"prompt\":\"a cat\"}",
        "{\"model\":\"dall-e-2\",\"prompt\":\"a cat\",\"n\":3,\"size\":\"256x256\"}",
        "{\"model\":\"dall-e-3\",\"prompt\":\"a cat\",\"quality\":\"hd\",\"style\":\"vivid\"}",
        "{\"model\":\"dall-e-3\",\"prompt\":\"a cat\",\"response_format\":\"b64_json\"}",
        "{\"model\":\"gpt-image-1\",\"prompt\":\"a cat\",\"n\":2,\"background\":\"transparent\","
            + "\"output_format\":\"webp\",\"quality\":\"auto\",\"size\":\"auto\"}",
        "{\"model\":\"gpt-image-1\",\"prompt\":\"a cat\",\"quality\":\"high\","
            + "\"size\":\"1536x1024\",\"user\":\"u1\"}"
      })
  void imagesAreValidResponses(String request) {
    spec.assertValid("CreateImageRequest", request);

    HttpResponse<String> response = client.send("POST", "/v1/images/generations", request, "sk");

    assertThat(response.statusCode()).isEqualTo(200);
    spec.assertValid("ImagesResponse", response.body());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1/embeddings|{\"model\":\"m\",\"input\":[]}",
        "/v1/embeddings|{\"model\":\"m\",\"input\":\"\"}",
        "/v1/images/generations|{\"model\":\"dall-e-3\",\"prompt\":\"x\",\"n\":2}"
      })
  void rejectionsAreValidErrorResponses(String pathAndBody) {
    String[] parts = pathAndBody.split("\\|", 2);

    HttpResponse<String> response = client.send("POST", parts[0], parts[1], "sk");

    assertThat(response.statusCode()).isEqualTo(400);
    spec.assertValid("ErrorResponse", response.body());
  }
}
