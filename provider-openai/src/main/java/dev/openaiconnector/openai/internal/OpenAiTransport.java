package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.openai.Network;
import feign.Client;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds the HTTP stack: Feign's {@link Client} over the JDK {@link HttpClient} ({@link
 * DeadlineClient}), Feign's request and response types, Jackson for bodies.
 *
 * <p>Choices that matter for cost and correctness, all measured or documented traps: Feign's
 * {@code Client.Default} costs about a millisecond per POST, so the JDK client is used; for
 * {@code http://} URLs the JDK client is pinned to HTTP/1.1, else it asks for an h2c upgrade on
 * every request; nothing retries here, because the core is the one place that retries; and the
 * requests are built by {@link DirectHttpApi} rather than a Feign proxy, which alone cost more
 * than the benchmark targets allow (see {@link DirectHttpApi}).
 */
public final class OpenAiTransport {
  private OpenAiTransport() {}

  /**
   * The Jackson mapper for the OpenAI wire format: snake_case names, nulls left out, unknown
   * fields ignored (the API adds fields all the time).
   *
   * @return a new mapper
   */
  public static ObjectMapper objectMapper() {
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  /**
   * Builds the JDK HTTP client for a base URL.
   *
   * <p>Its executor runs each task where it is handed over. The JDK client gives its executor what
   * its selector thread receives (reading, TLS, HTTP/1.1 and HTTP/2 framing, the provider's body
   * handlers), and its default, a cached pool, costs a hand-over to a pooled thread each time:
   * about half the client's CPU per chat call, and a fifth of the call's time on two cores
   * ({@code benchmarks/README.md}). Run in place, that work stays on the selector thread, which
   * never blocks in it: the provider's body handlers only gather bytes and read headers, and the
   * callers read streams on their own threads. The JDK expects such an executor (its HTTP/1.1
   * receiver allows the selector thread for "something like (r) -> r.run()").
   *
   * @param baseUrl the provider's base URL
   * @param connectTimeout the connect timeout
   * @param network the proxy and TLS settings
   * @return the client
   */
  public static HttpClient httpClient(URI baseUrl, Duration connectTimeout, Network network) {
    boolean cleartext = "http".equalsIgnoreCase(baseUrl.getScheme());
    return network
        .applyTo(HttpClient.newBuilder())
        .executor(Runnable::run)
        .version(cleartext ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Builds the client of the REST operations. It has no target URL of its own: every call names
   * its URL.
   *
   * @param client sends each request, from {@code new DeadlineClient(httpClient(...), scheduler,
   *     wireLog, failures)}
   * @param mapper the mapper, from {@link #objectMapper()}
   * @param authentication adds its headers to each request, asked anew for each one so that a
   *     token source can hand out a fresh token; what it throws reaches the caller as it is
   * @param fixedHeaders the headers every request carries after the authentication's, such as
   *     {@code User-Agent}, in order
   * @return the client
   */
  public static OpenAiHttpApi api(
      Client client,
      ObjectMapper mapper,
      Authentication authentication,
      Map<String, String> fixedHeaders) {
    return new DirectHttpApi(client, mapper.writer(), authentication, new LinkedHashMap<>(fixedHeaders));
  }

  /**
   * Builds a provider's one scheduler thread, shared by the body deadlines of its plain calls and
   * the idle timeouts of its streams: a daemon, started on first use and ended after 30 idle
   * seconds, so an idle provider holds no thread. Cancelled tasks are removed at once, as nearly
   * every deadline task is cancelled when its body is read in time.
   *
   * @param providerId names the thread
   * @return the scheduler; the provider shuts it down when closed
   */
  public static ScheduledThreadPoolExecutor scheduler(String providerId) {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, providerId + "-timeouts");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setKeepAliveTime(30, TimeUnit.SECONDS);
    scheduler.allowCoreThreadTimeOut(true);
    return scheduler;
  }
}
