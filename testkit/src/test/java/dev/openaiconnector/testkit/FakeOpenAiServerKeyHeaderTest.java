package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class FakeOpenAiServerKeyHeaderTest {
  private static final String CHAT =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> post(FakeOpenAiServer server, String header, String value)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
            .header("Content-Type", "application/json")
            .header(header, value)
            .POST(HttpRequest.BodyPublishers.ofString(CHAT))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void acceptsTheKeyInTheConfiguredHeaderOnly() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.builder().apiKeyHeader("X-Api-Key").apiKey("acme").start()) {
      assertThat(post(server, "X-Api-Key", "acme").statusCode()).isEqualTo(200);
      assertThat(post(server, "X-Api-Key", "other").statusCode()).isEqualTo(401);
      HttpResponse<String> bearer = post(server, "Authorization", "Bearer acme");
      assertThat(bearer.statusCode()).isEqualTo(401);
      assertThat(bearer.body()).contains("X-Api-Key").contains("invalid_api_key");
    }
  }

  @Test
  void rejectsAHeaderNameThatNoClientCouldSend() {
    assertThatThrownBy(() -> FakeOpenAiServer.builder().apiKeyHeader("X Api Key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an HTTP header name")
        .hasMessageContaining("'X Api Key'");
    assertThatThrownBy(() -> FakeOpenAiServer.builder().apiKeyHeader("X-Api-Key:"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeOpenAiServer.builder().apiKeyHeader(" "))
        .hasMessage("header must not be blank");
  }

  @Test
  void acceptsAnyKeyInTheConfiguredHeaderWhenNoneIsSet() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.builder().apiKeyHeader("X-Api-Key").start()) {
      assertThat(post(server, "X-Api-Key", "whatever").statusCode()).isEqualTo(200);
      assertThat(post(server, "X-Other", "whatever").statusCode()).isEqualTo(401);
    }
  }
}
