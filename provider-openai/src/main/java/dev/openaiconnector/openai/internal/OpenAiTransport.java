package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.openaiconnector.openai.Authentication;
import feign.Feign;
import feign.Request;
import feign.RequestInterceptor;
import feign.Retryer;
import feign.Target;
import feign.http2client.Http2Client;
import feign.jackson.JacksonEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds the HTTP stack: Feign over the JDK {@link HttpClient}, with Jackson for bodies.
 *
 * <p>Choices that matter for cost and correctness, all measured or documented traps: Feign's
 * {@code Client.Default} costs about a millisecond per POST, so the JDK client is used; for
 * {@code http://} URLs the JDK client is pinned to HTTP/1.1, else it asks for an h2c upgrade on
 * every request; Feign's retryer is off because the core is the one place that retries; Feign's
 * connect timeout equals the JDK client's, else Feign builds a second client per call shape.
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
   * @param baseUrl the provider's base URL
   * @param connectTimeout the connect timeout
   * @return the client
   */
  public static HttpClient httpClient(URI baseUrl, Duration connectTimeout) {
    boolean cleartext = "http".equalsIgnoreCase(baseUrl.getScheme());
    return HttpClient.newBuilder()
        .version(cleartext ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Builds the Feign client. It has no target URL of its own: every call names its URL.
   *
   * @param httpClient the JDK client, from {@link #httpClient}
   * @param mapper the mapper, from {@link #objectMapper()}
   * @param connectTimeout the same connect timeout the JDK client was built with
   * @param requestTimeout the time allowed for the response headers to arrive
   * @param headers adds the authentication and other per-request headers, from {@link #headers}
   * @param scheduler the provider's scheduler, from {@link #scheduler(String)}
   * @param wireLog the wire log
   * @return the client
   */
  public static OpenAiHttpApi feign(
      HttpClient httpClient,
      ObjectMapper mapper,
      Duration connectTimeout,
      Duration requestTimeout,
      RequestInterceptor headers,
      ScheduledThreadPoolExecutor scheduler,
      WireLog wireLog) {
    return Feign.builder()
        .client(new DeadlineClient(new Http2Client(httpClient), scheduler, wireLog))
        .encoder(new JacksonEncoder(mapper))
        .retryer(Retryer.NEVER_RETRY)
        .options(
            new Request.Options(
                connectTimeout.toMillis(),
                TimeUnit.MILLISECONDS,
                requestTimeout.toMillis(),
                TimeUnit.MILLISECONDS,
                false))
        .requestInterceptor(headers)
        .target(Target.EmptyTarget.create(OpenAiHttpApi.class));
  }

  /**
   * The headers of every request: the authentication's, asked for each request so that a token
   * source can hand out a fresh token, then the fixed ones. Values are set as literals: Feign
   * would otherwise read a brace in a key or token as a template expression. What {@link
   * Authentication#addHeaders} throws reaches the caller as it is (Feign does not wrap what an
   * interceptor throws).
   *
   * @param authentication the provider's authentication
   * @param fixed the headers every request carries, such as {@code User-Agent}
   * @return the interceptor
   */
  public static RequestInterceptor headers(
      Authentication authentication, Map<String, String> fixed) {
    // Copied in order: OpenAI's own headers after the authentication, as before.
    List<Map.Entry<String, String>> ordered = List.copyOf(new LinkedHashMap<>(fixed).entrySet());
    return template -> {
      authentication.addHeaders((name, value) -> template.headerLiteral(name, value));
      for (Map.Entry<String, String> header : ordered) {
        template.headerLiteral(header.getKey(), header.getValue());
      }
    };
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
