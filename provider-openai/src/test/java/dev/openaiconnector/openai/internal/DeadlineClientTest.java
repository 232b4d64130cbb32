package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import dev.openaiconnector.testkit.RecordedRequest;
import feign.Request;
import feign.RequestTemplate;
import feign.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadlineClient} is a Feign {@link feign.Client}: it sends requests built by Feign's own
 * templates (which name their {@code Content-Length}, a header the JDK client refuses to be given)
 * and answers with Feign's {@link Response}.
 */
class DeadlineClientTest {
  private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

  private final FakeOpenAiServer server = FakeOpenAiServer.builder().apiKey("sk-test").start();
  private final ScheduledThreadPoolExecutor scheduler = OpenAiTransport.scheduler("test");
  private final DeadlineClient client =
      new DeadlineClient(
          OpenAiTransport.httpClient(server.baseUrl(), Duration.ofSeconds(5)),
          scheduler,
          WireLog.OFF);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    server.close();
  }

  private Request templated(String accept) {
    RequestTemplate template = new RequestTemplate();
    template.method(Request.HttpMethod.POST);
    template.target(server.baseUrl() + "/chat/completions");
    template.header("Authorization", "Bearer sk-test");
    template.header("Content-Type", "application/json");
    template.header("Accept", accept);
    RequestTemplate resolved = template.resolve(Map.of());
    resolved.body(BODY.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    return resolved.request();
  }

  private static Request.Options options() {
    return new Request.Options(5, TimeUnit.SECONDS, 5, TimeUnit.SECONDS, false);
  }

  @Test
  void sendsARequestBuiltByFeignsTemplatesAndReceivesThePlainBodyWhole() throws IOException {
    Request request = templated("application/json");
    assertThat(request.headers()).containsKey("Content-Length");
    server.enqueue(FakeResponse.chatCompletion("Hello there"));

    try (Response response = client.execute(request, options())) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.headers().get("CONTENT-TYPE"))
          .singleElement()
          .asString()
          .startsWith("application/json");
      byte[] body = response.body().asInputStream().readAllBytes();
      assertThat(response.body().length()).isEqualTo(body.length);
      assertThat(new String(body, StandardCharsets.UTF_8)).contains("Hello there");
    }
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.header("Content-Length")).hasValue(String.valueOf(BODY.length()));
    assertThat(sent.header("Authorization")).hasValue("Bearer sk-test");
    assertThat(sent.body()).isEqualTo(BODY);
  }

  @Test
  void handsAnEventStreamOverUnread() throws IOException {
    server.enqueue(FakeResponse.eventStream(List.of("{\"n\":1}", "{\"n\":2}")));

    try (Response response = client.execute(templated("text/event-stream"), options())) {
      assertThat(response.status()).isEqualTo(200);
      InputStream in = response.body().asInputStream();
      assertThat(in).isNotInstanceOf(DeadlineClient.BufferedBody.class);
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("data: {\"n\":1}")
          .contains("data: {\"n\":2}");
    }
  }
}
