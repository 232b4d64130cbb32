package dev.openaiconnector.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.openai.internal.CallTimeouts;
import dev.openaiconnector.openai.internal.ChatCompletionChunkDto;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto;
import dev.openaiconnector.openai.internal.ChatMapping;
import dev.openaiconnector.openai.internal.DeadlineClient;
import dev.openaiconnector.openai.internal.ErrorResponseDto;
import dev.openaiconnector.openai.internal.HttpFailures;
import dev.openaiconnector.openai.internal.OpenAiChatPort;
import dev.openaiconnector.openai.internal.OpenAiChatStreamPort;
import dev.openaiconnector.openai.internal.OpenAiEmbeddingsPort;
import dev.openaiconnector.openai.internal.OpenAiHttpApi;
import dev.openaiconnector.openai.internal.OpenAiImagesPort;
import dev.openaiconnector.openai.internal.OpenAiTransport;
import dev.openaiconnector.openai.internal.Redactor;
import dev.openaiconnector.openai.internal.Sender;
import dev.openaiconnector.openai.internal.WireLog;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.spi.Provider;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jspecify.annotations.Nullable;

/**
 * A provider for any server that speaks OpenAI's wire protocol, configured with where each call
 * goes ({@link Endpoints}) and how it authenticates ({@link Authentication}): the building block
 * of {@link OpenAiProvider} and of the Azure OpenAI provider. It brings OpenAI's request and
 * response mapping, streaming, error mapping, timeouts and wire log, and reads Azure's additions
 * where they appear: content filter verdicts ({@link dev.openaiconnector.api.ChatResponse#contentFilter()},
 * {@link dev.openaiconnector.spi.ChatEventSource#contentFilter()}, {@link
 * dev.openaiconnector.api.ContentFilterException#report()}), {@code retry-after-ms} and {@code
 * x-ms-retry-after-ms}.
 *
 * <pre>{@code
 * Provider provider = OpenAiCompatible.builder()
 *     .providerId("azure").providerName("Azure OpenAI")
 *     .baseUrl(endpoint)
 *     .endpoints(deployments)                       // URL and body model per operation
 *     .authentication(Authentication.header("api-key", "", key))
 *     .requestIdHeaders(List.of("apim-request-id", "x-request-id"))
 *     .regionHeader("x-ms-region")
 *     .build();
 * }</pre>
 *
 * <p>Each call goes to {@link Endpoints#uri} with {@link Endpoints#bodyModel} in its body, and
 * carries the headers of {@link Authentication#addHeaders(java.util.function.BiConsumer,
 * dev.openaiconnector.spi.Deadline)}, asked for each request with the call's deadline. When the
 * server answers {@code 401}, {@link
 * Authentication#refreshAfterUnauthorized(dev.openaiconnector.spi.Deadline)} is asked once and, if it
 * returns true, the call (or the stream's opening) is sent once more; a second {@code 401} is an
 * {@link dev.openaiconnector.api.AuthenticationException}. What {@code addHeaders} or {@code
 * refreshAfterUnauthorized} throw reaches the caller as it is. Errors map by HTTP status as {@link
 * dev.openaiconnector.spi.HttpErrors} says; a refusal whose code or inner code is a content-filter
 * code is a {@link dev.openaiconnector.api.ContentFilterException} with the verdicts of the error
 * body. A response that a content filter cut ({@code finish_reason: content_filter}) is a normal
 * answer.
 *
 * <p>Plain {@code http://} is refused for a host other than the loopback, unless allowed with
 * {@link Builder#allowInsecureHttp(boolean)}. Thread-safe; owned and closed by the connector it is
 * given to.
 */
public final class OpenAiCompatible implements Provider {
  /** What OpenAI supports, the default of {@link Builder#capabilities(Set)}. */
  static final Set<Capability> OPENAI_CAPABILITIES =
      Set.copyOf(
          EnumSet.of(
              Capability.CHAT,
              Capability.VISION,
              Capability.JSON_MODE,
              Capability.TOOLS,
              Capability.STRUCTURED_OUTPUT,
              Capability.CHAT_STREAMING,
              Capability.EMBEDDINGS,
              Capability.IMAGE_GENERATION));

  private static final String USER_AGENT = "openai-connector-java/" + version();

  private final String id;
  private final URI baseUrl;
  private final Endpoints endpoints;
  private final Set<Capability> capabilities;
  private final HttpClient httpClient;
  private final ScheduledThreadPoolExecutor scheduler;
  private final DeadlineClient deadlines;
  private final OpenAiChatPort chat;
  private final OpenAiChatStreamPort chatStream;
  private final OpenAiEmbeddingsPort embeddings;
  private final OpenAiImagesPort images;

  private OpenAiCompatible(Builder builder) {
    this.id = Objects.requireNonNull(builder.providerId);
    this.baseUrl = Objects.requireNonNull(builder.baseUrl);
    this.endpoints = Objects.requireNonNull(builder.endpoints);
    this.capabilities = builder.capabilities;
    Authentication authentication = Objects.requireNonNull(builder.authentication);
    String name = builder.providerName == null ? id : builder.providerName;
    this.httpClient = OpenAiTransport.httpClient(baseUrl, builder.connectTimeout, builder.network);
    this.scheduler = OpenAiTransport.scheduler(id);
    ObjectMapper mapper = OpenAiTransport.objectMapper();
    Redactor redactor =
        new Redactor(
            authentication instanceof HeaderAuthentication
                ? ((HeaderAuthentication) authentication).secret()
                : null);
    WireLog wireLog = builder.logBodies ? new WireLog(true, redactor) : WireLog.OFF;
    Map<String, String> fixedHeaders = new LinkedHashMap<>(builder.headers);
    fixedHeaders.put("User-Agent", USER_AGENT);
    HttpFailures failures =
        new HttpFailures(
            id,
            name,
            mapper.readerFor(ErrorResponseDto.class),
            redactor,
            builder.requestIdHeaders,
            builder.regionHeader);
    this.deadlines = new DeadlineClient(httpClient, builder.network, scheduler, wireLog, failures);
    OpenAiHttpApi api = OpenAiTransport.api(deadlines, mapper, authentication, fixedHeaders);
    ChatMapping mapping = new ChatMapping(builder.maxTokensField);
    CallTimeouts timeouts = new CallTimeouts(builder.connectTimeout, builder.requestTimeout);
    Sender sender = new Sender(authentication, failures, timeouts, wireLog);
    this.chat =
        new OpenAiChatPort(
            api,
            endpoints,
            sender,
            mapping,
            mapper.readerFor(ChatCompletionResponseDto.class),
            failures,
            wireLog);
    this.chatStream =
        new OpenAiChatStreamPort(
            id,
            api,
            endpoints,
            sender,
            mapping,
            mapper.readerFor(ChatCompletionChunkDto.class),
            failures,
            builder.streamIdleTimeout,
            scheduler,
            wireLog);
    this.embeddings =
        new OpenAiEmbeddingsPort(api, endpoints, sender, mapper.getFactory(), failures, wireLog);
    this.images =
        new OpenAiImagesPort(api, endpoints, sender, mapper.getFactory(), failures, wireLog);
  }

  private static String version() {
    String version = OpenAiCompatible.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /**
   * Starts configuring a provider.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public ChatPort chat() {
    return chat;
  }

  /**
   * Returns the streamed chat port, as {@link OpenAiProvider#chatStream()} describes it; empty
   * unless {@link Capability#CHAT_STREAMING} is declared.
   *
   * @return the port
   */
  @Override
  public Optional<ChatStreamPort> chatStream() {
    return capabilities.contains(Capability.CHAT_STREAMING)
        ? Optional.of(chatStream)
        : Optional.empty();
  }

  /**
   * Returns the embeddings port, as {@link OpenAiProvider#embeddings()} describes it; empty unless
   * {@link Capability#EMBEDDINGS} is declared.
   *
   * @return the port
   */
  @Override
  public Optional<EmbeddingsPort> embeddings() {
    return capabilities.contains(Capability.EMBEDDINGS)
        ? Optional.of(embeddings)
        : Optional.empty();
  }

  /**
   * Returns the image generation port, as {@link OpenAiProvider#images()} describes it; empty
   * unless {@link Capability#IMAGE_GENERATION} is declared.
   *
   * @return the port
   */
  @Override
  public Optional<ImagesPort> images() {
    return capabilities.contains(Capability.IMAGE_GENERATION)
        ? Optional.of(images)
        : Optional.empty();
  }

  /**
   * Returns the base URL the HTTP client was configured for.
   *
   * @return the base URL
   */
  public URI baseUrl() {
    return baseUrl;
  }

  /** Counts the timeout tasks pending on the scheduler: body deadlines and stream idle timeouts. */
  int scheduledTimeouts() {
    // The deadline sweep may stay pending, watching nothing, until the deadline it was set for.
    int sweep = deadlines.sweepPending() ? 1 : 0;
    return deadlines.watchedBodies() + scheduler.getQueue().size() - sweep;
  }

  /**
   * Closes the streams still open (their readers get a cancellation), stops the timeout thread,
   * then closes the HTTP client.
   */
  @Override
  public void close() {
    chatStream.close();
    scheduler.shutdownNow();
    // HttpClient is AutoCloseable from JDK 21 on; on 17 its threads end when it is unreachable.
    Object client = httpClient;
    if (client instanceof AutoCloseable) {
      try {
        ((AutoCloseable) client).close();
      } catch (Exception e) {
        throw new IllegalStateException("could not close the HTTP client", e);
      }
    }
  }

  @Override
  public String toString() {
    return "OpenAiCompatible[id=" + id + ", endpoints=" + endpoints + "]";
  }

  /**
   * Configures an {@link OpenAiCompatible}. Setters reject a bad value where it is set; {@link
   * #build()} reports every problem at once. Not thread-safe.
   */
  public static final class Builder {
    // Feign carries timeouts as int milliseconds: beyond this they overflow.
    private static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    private @Nullable String providerId;
    private @Nullable String providerName;
    private @Nullable URI baseUrl;
    private @Nullable Endpoints endpoints;
    private @Nullable Authentication authentication;
    private List<String> requestIdHeaders = List.of("x-request-id");
    private @Nullable String regionHeader;
    private Set<Capability> capabilities = OPENAI_CAPABILITIES;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Network network = Network.jvmDefaults();
    private Duration requestTimeout = Duration.ofSeconds(120);
    private Duration streamIdleTimeout = Duration.ofSeconds(60);
    private MaxTokensField maxTokensField = MaxTokensField.MAX_COMPLETION_TOKENS;
    private boolean allowInsecureHttp;
    private @Nullable String allowInsecureHttpSetting;
    private boolean logBodies;
    private final List<String> problems = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the provider id, which exceptions carry and the scheduler thread is named after.
     *
     * @param providerId for example {@code azure}; required
     * @return this builder
     */
    public Builder providerId(String providerId) {
      Objects.requireNonNull(providerId, "providerId");
      if (providerId.isBlank()) {
        problems.add("providerId must not be blank");
      } else {
        this.providerId = providerId;
      }
      return this;
    }

    /**
     * Sets the provider's name for messages, such as {@code Azure OpenAI rejected the request}.
     *
     * @param providerName for example {@code Azure OpenAI}; default the provider id
     * @return this builder
     */
    public Builder providerName(String providerName) {
      Objects.requireNonNull(providerName, "providerName");
      if (providerName.isBlank()) {
        problems.add("providerName must not be blank");
      } else {
        this.providerName = providerName;
      }
      return this;
    }

    /**
     * Sets the server's base URL, which configures the HTTP client: plain {@code http://} is
     * spoken as HTTP/1.1 (else the JDK client asks for an upgrade on every request), and refused
     * for a host other than the loopback unless {@link #allowInsecureHttp(boolean)}. Calls go
     * where {@link #endpoints(Endpoints)} says.
     *
     * @param baseUrl an absolute http or https URL with a host and no credentials; required
     * @return this builder
     */
    public Builder baseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
        problems.add("baseUrl '" + baseUrl + "' must be an absolute http or https URL with a host");
      } else if (baseUrl.getRawUserInfo() != null) {
        problems.add("baseUrl must not carry credentials (user:password@)");
      } else {
        this.baseUrl = baseUrl;
      }
      return this;
    }

    /**
     * Sets where each operation goes and what the body's {@code model} holds.
     *
     * @param endpoints for example {@link Endpoints#openAi(URI)}; required
     * @return this builder
     */
    public Builder endpoints(Endpoints endpoints) {
      this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
      return this;
    }

    /**
     * Sets how each request authenticates. The secret of {@link Authentication#header} and {@link
     * Authentication#bearer} is also removed from error messages and wire logs; a token's, by
     * its {@code Bearer} form.
     *
     * @param authentication for example {@link Authentication#bearer}; required
     * @return this builder
     */
    public Builder authentication(Authentication authentication) {
      this.authentication = Objects.requireNonNull(authentication, "authentication");
      return this;
    }

    /**
     * Sets the response headers that carry the request id; the first one present wins.
     *
     * @param headerNames for example {@code apim-request-id} then {@code x-request-id}; default
     *     {@code x-request-id}
     * @return this builder
     */
    public Builder requestIdHeaders(List<String> headerNames) {
      Objects.requireNonNull(headerNames, "requestIdHeaders");
      if (headerNames.isEmpty() || headerNames.stream().anyMatch(h -> h == null || h.isBlank())) {
        problems.add("requestIdHeaders must name at least one header, and no blank one");
      } else {
        this.requestIdHeaders = List.copyOf(headerNames);
      }
      return this;
    }

    /**
     * Sets the response header that names the region that answered; its value is appended to the
     * messages of error responses, such as {@code (region eastus)}.
     *
     * @param headerName for example {@code x-ms-region}; by default none
     * @return this builder
     */
    public Builder regionHeader(String headerName) {
      Objects.requireNonNull(headerName, "regionHeader");
      if (headerName.isBlank()) {
        problems.add("regionHeader must not be blank");
      } else {
        this.regionHeader = headerName;
      }
      return this;
    }

    /**
     * Sets what the server supports. The streaming, embeddings and images ports are offered only
     * when their capability is declared.
     *
     * @param capabilities must include {@link Capability#CHAT}; default what OpenAI supports
     * @return this builder
     */
    public Builder capabilities(Set<Capability> capabilities) {
      Objects.requireNonNull(capabilities, "capabilities");
      if (!capabilities.contains(Capability.CHAT)) {
        problems.add("capabilities must include CHAT, as every provider chats");
      } else {
        this.capabilities = Set.copyOf(capabilities);
      }
      return this;
    }

    /**
     * Adds a header sent with every request, such as OpenAI's {@code OpenAI-Organization}. For a
     * secret, use {@link #authentication(Authentication)}: these values are not redacted.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) {
        problems.add("a header name must not be blank");
      } else {
        headers.put(name, value);
      }
      return this;
    }

    /**
     * Sets the time allowed to open a connection.
     *
     * @param timeout a positive duration; default 10 seconds
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      if (isValidTimeout("connectTimeout", timeout)) {
        this.connectTimeout = timeout;
      }
      return this;
    }

    /**
     * Sets the proxy, its credentials and the TLS context, as {@link
     * OpenAiProvider.Builder#network(Network)} describes.
     *
     * @param network the network settings; default {@link Network#jvmDefaults()}
     * @return this builder
     */
    public Builder network(Network network) {
      this.network = Objects.requireNonNull(network, "network");
      return this;
    }

    /**
     * Sets the time allowed for the response to start arriving after the request was sent.
     *
     * @param timeout a positive duration; default 120 seconds, as long answers take time
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      if (isValidTimeout("requestTimeout", timeout)) {
        this.requestTimeout = timeout;
      }
      return this;
    }

    /**
     * Sets how long a streamed answer may send nothing while it is being read, as {@link
     * OpenAiProvider.Builder#streamIdleTimeout(Duration)} describes.
     *
     * @param timeout a positive duration; default 60 seconds
     * @return this builder
     */
    public Builder streamIdleTimeout(Duration timeout) {
      if (isValidTimeout("streamIdleTimeout", timeout)) {
        this.streamIdleTimeout = timeout;
      }
      return this;
    }

    private boolean isValidTimeout(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        problems.add(name + " must be positive and at most " + MAX_TIMEOUT + ", was " + timeout);
        return false;
      }
      return true;
    }

    /**
     * Sets the request field that carries the token limit.
     *
     * @param field default {@link MaxTokensField#MAX_COMPLETION_TOKENS}
     * @return this builder
     */
    public Builder maxTokensField(MaxTokensField field) {
      this.maxTokensField = Objects.requireNonNull(field, "maxTokensField");
      return this;
    }

    /**
     * Allows a plain {@code http://} base URL to a host other than the loopback. Off by default:
     * credentials and every prompt would cross the network unencrypted.
     *
     * @param allow true to allow it, for example inside a trusted network
     * @return this builder
     */
    public Builder allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
      return this;
    }

    /** Names the setting that also allows plain http, for the message that refuses it. */
    Builder allowInsecureHttpSetting(String setting) {
      this.allowInsecureHttpSetting = setting;
      return this;
    }

    /**
     * Logs request and response bodies, as {@link OpenAiProvider.Builder#logBodies(boolean)}
     * describes. Off by default, as bodies hold the prompts and answers.
     *
     * @param log true to log bodies
     * @return this builder
     */
    public Builder logBodies(boolean log) {
      this.logBodies = log;
      return this;
    }

    /**
     * Returns the problems {@link #build()} would report, so that a provider built on this one
     * can report its own problems and these in one message.
     *
     * @return the problems, empty when the configuration is complete and valid
     */
    public List<String> problems() {
      List<String> all = new ArrayList<>(problems);
      // A value its setter refused is reported as such, not again as a missing one.
      if (providerId == null && all.stream().noneMatch(p -> p.startsWith("providerId"))) {
        all.add("providerId is not set");
      }
      if (baseUrl == null && all.stream().noneMatch(p -> p.startsWith("baseUrl"))) {
        all.add("baseUrl is not set");
      }
      if (endpoints == null) {
        all.add("endpoints is not set");
      }
      if (authentication == null) {
        all.add("authentication is not set");
      }
      URI url = baseUrl;
      if (url != null
          && "http".equalsIgnoreCase(url.getScheme())
          && !allowInsecureHttp
          && !isLoopback(url.getHost())) {
        all.add(
            "baseUrl uses plain http to "
                + url.getHost()
                + ", which is not a loopback address, so the API key and prompts would travel"
                + " unencrypted; use https, or allow it with allowInsecureHttp(true)"
                + (allowInsecureHttpSetting == null
                    ? ""
                    : " or " + allowInsecureHttpSetting + "=true"));
      }
      return all;
    }

    /**
     * Checks the configuration and builds the provider.
     *
     * @return the provider
     * @throws ConfigurationException listing every problem, never a secret
     */
    public OpenAiCompatible build() {
      List<String> all = problems();
      if (!all.isEmpty()) {
        String name = providerName != null ? providerName : providerId != null ? providerId : "";
        throw new ConfigurationException(
            "The " + (name.isEmpty() ? "" : name + " ") + "provider is misconfigured: "
                + String.join("; ", all),
            null);
      }
      return new OpenAiCompatible(this);
    }

    /** Tells whether a host is the loopback by its name or literal address, never by DNS. */
    private static boolean isLoopback(String host) {
      if (host.equalsIgnoreCase("localhost")) {
        return true;
      }
      String literal =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      boolean ipLiteral = literal.contains(":") || literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
      if (!ipLiteral) {
        return false;
      }
      try {
        // A literal address is parsed, not looked up.
        return InetAddress.getByName(literal).isLoopbackAddress();
      } catch (UnknownHostException notAnAddress) {
        return false;
      }
    }
  }
}
