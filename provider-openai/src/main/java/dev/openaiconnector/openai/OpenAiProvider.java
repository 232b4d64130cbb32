package dev.openaiconnector.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.openai.internal.CallTimeouts;
import dev.openaiconnector.openai.internal.ChatCompletionChunkDto;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto;
import dev.openaiconnector.openai.internal.ChatMapping;
import dev.openaiconnector.openai.internal.ErrorResponseDto;
import dev.openaiconnector.openai.internal.HttpFailures;
import dev.openaiconnector.openai.internal.OpenAiChatPort;
import dev.openaiconnector.openai.internal.OpenAiChatStreamPort;
import dev.openaiconnector.openai.internal.OpenAiEmbeddingsPort;
import dev.openaiconnector.openai.internal.OpenAiHttpApi;
import dev.openaiconnector.openai.internal.OpenAiImagesPort;
import dev.openaiconnector.openai.internal.OpenAiTransport;
import dev.openaiconnector.openai.internal.Redactor;
import dev.openaiconnector.openai.internal.WireLog;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.spi.Provider;
import feign.RequestInterceptor;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI provider, or any server that speaks the OpenAI protocol: chat completions (plain and
 * streamed), embeddings and image generation.
 *
 * <pre>{@code
 * Provider openai = OpenAiProvider.builder()
 *     .apiKey(System.getenv("OPENAI_API_KEY"))
 *     .requestTimeout(Duration.ofSeconds(60))
 *     .build();
 * Connector ai = Connectors.builder().provider(openai).build();
 * }</pre>
 *
 * <p>Plain {@code http://} is refused for a host other than the loopback ({@code localhost},
 * {@code 127.0.0.0/8}, {@code ::1}), as the key and the prompts would cross the network in clear
 * text, unless allowed with {@link Builder#allowInsecureHttp(boolean)}. Request and response
 * bodies are logged only when switched on with {@link Builder#logBodies(boolean)}.
 *
 * <p>Thread-safe; owned and closed by the connector it is given to.
 */
public final class OpenAiProvider implements Provider {
  /** The provider id, also the id of {@link OpenAiProviderFactory}. */
  public static final String ID = "openai";

  /** OpenAI's public endpoint. */
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");

  static final Set<Capability> CAPABILITIES =
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

  private final URI baseUrl;
  private final HttpClient httpClient;
  private final ScheduledThreadPoolExecutor scheduler;
  private final OpenAiChatPort chat;
  private final OpenAiChatStreamPort chatStream;
  private final OpenAiEmbeddingsPort embeddings;
  private final OpenAiImagesPort images;

  private OpenAiProvider(Builder builder) {
    this.baseUrl = builder.baseUrl;
    this.httpClient = OpenAiTransport.httpClient(baseUrl, builder.connectTimeout);
    this.scheduler = OpenAiTransport.scheduler(ID);
    ObjectMapper mapper = OpenAiTransport.objectMapper();
    Redactor redactor = new Redactor(builder.apiKey);
    WireLog wireLog = builder.logBodies ? new WireLog(true, redactor) : WireLog.OFF;
    OpenAiHttpApi api =
        OpenAiTransport.feign(
            httpClient,
            baseUrl,
            mapper,
            builder.connectTimeout,
            builder.requestTimeout,
            headers(builder.apiKey, builder.organization, builder.project),
            scheduler,
            wireLog);
    ChatMapping mapping = new ChatMapping(builder.maxTokensField);
    HttpFailures failures =
        new HttpFailures(ID, "OpenAI", mapper.readerFor(ErrorResponseDto.class), redactor);
    CallTimeouts timeouts = new CallTimeouts(builder.connectTimeout, builder.requestTimeout);
    this.chat =
        new OpenAiChatPort(
            api,
            mapping,
            mapper.readerFor(ChatCompletionResponseDto.class),
            failures,
            timeouts,
            wireLog);
    this.chatStream =
        new OpenAiChatStreamPort(
            ID,
            api,
            mapping,
            mapper.readerFor(ChatCompletionChunkDto.class),
            failures,
            builder.streamIdleTimeout,
            scheduler,
            timeouts,
            wireLog);
    this.embeddings =
        new OpenAiEmbeddingsPort(api, mapper.getFactory(), failures, timeouts, wireLog);
    this.images = new OpenAiImagesPort(api, mapper.getFactory(), failures, timeouts, wireLog);
  }

  private static RequestInterceptor headers(
      @Nullable Secret apiKey, @Nullable String organization, @Nullable String project) {
    String authorization = apiKey == null ? null : "Bearer " + apiKey.reveal();
    return template -> {
      if (authorization != null) {
        template.header("Authorization", authorization);
      }
      if (organization != null) {
        template.header("OpenAI-Organization", organization);
      }
      if (project != null) {
        template.header("OpenAI-Project", project);
      }
      template.header("User-Agent", USER_AGENT);
    };
  }

  private static String version() {
    String version = OpenAiProvider.class.getPackage().getImplementationVersion();
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
    return ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public ChatPort chat() {
    return chat;
  }

  /**
   * Returns the streamed chat port. Each request is sent with {@code "stream": true} and {@code
   * "stream_options": {"include_usage": true}}; the server-sent events are read as they arrive,
   * never buffered whole, and each delta is handed on as soon as its event is complete. The usage
   * comes as the last delta. An error status before the stream starts fails {@code open} exactly
   * like a plain call; a failure during the stream reaches {@code next()}:
   *
   * <table>
   *   <caption>Stream failures</caption>
   *   <tr><th>Failure</th><th>Exception</th></tr>
   *   <tr><td>an error event ({@code data: {"error": ...}}, possibly after {@code event:
   *       error})</td><td>by its code and type: rate limit, quota, content filter, invalid
   *       request, else {@link dev.openaiconnector.api.ServerException}</td></tr>
   *   <tr><td>a chunk that cannot be read</td>
   *       <td>{@link dev.openaiconnector.api.UnexpectedResponseException}</td></tr>
   *   <tr><td>the stream ends without {@code [DONE]}, or the connection drops</td>
   *       <td>{@link dev.openaiconnector.api.ConnectionException}</td></tr>
   *   <tr><td>nothing arrives within {@link Builder#streamIdleTimeout(Duration)}</td>
   *       <td>{@link dev.openaiconnector.api.RequestTimeoutException}</td></tr>
   *   <tr><td>the source was closed while being read</td>
   *       <td>{@link dev.openaiconnector.api.StreamCancelledException}</td></tr>
   * </table>
   *
   * @return the port
   */
  @Override
  public Optional<ChatStreamPort> chatStream() {
    return Optional.of(chatStream);
  }

  /**
   * Returns the embeddings port: each batch of up to 2048 inputs is one {@code POST /embeddings}
   * with {@code encoding_format: base64}, decoded straight into {@code float[]} (float JSON is read
   * too, from a server that ignores the format). The vectors are placed by the answer's {@code
   * index}; an answer that does not hold exactly one vector per input, all of one length, fails
   * with {@link dev.openaiconnector.api.UnexpectedResponseException}. Errors map as for chat.
   *
   * @return the port
   */
  @Override
  public Optional<EmbeddingsPort> embeddings() {
    return Optional.of(embeddings);
  }

  /**
   * Returns the image generation port: one {@code POST /images/generations}, options left unset
   * not sent; {@code b64_json} images come decoded, with the MIME type of the answer's {@code
   * output_format} (else the request's, else {@code image/png}). Errors map as for chat.
   *
   * @return the port
   */
  @Override
  public Optional<ImagesPort> images() {
    return Optional.of(images);
  }

  /**
   * Returns the base URL requests go to.
   *
   * @return the base URL, without a trailing slash
   */
  public URI baseUrl() {
    return baseUrl;
  }

  /** Counts the timeout tasks pending on the scheduler: body deadlines and stream idle timeouts. */
  int scheduledTimeouts() {
    return scheduler.getQueue().size();
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
    return "OpenAiProvider[baseUrl=" + baseUrl + "]";
  }

  /** Configures an {@link OpenAiProvider}. Not thread-safe. */
  public static final class Builder {
    // Feign carries timeouts as int milliseconds: beyond this they overflow.
    private static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    private @Nullable Secret apiKey;
    // A rejected key is reported as such, not again as a missing one.
    private boolean apiKeyRejected;
    private URI baseUrl = DEFAULT_BASE_URL;
    private boolean baseUrlSet;
    private @Nullable String organization;
    private @Nullable String project;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(120);
    private Duration streamIdleTimeout = Duration.ofSeconds(60);
    private MaxTokensField maxTokensField = MaxTokensField.MAX_COMPLETION_TOKENS;
    private boolean allowInsecureHttp;
    private boolean logBodies;
    private final List<String> problems = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the API key, sent as {@code Authorization: Bearer}.
     *
     * @param apiKey the key: visible ASCII only, as an HTTP header can carry nothing else
     * @return this builder
     */
    public Builder apiKey(Secret apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      String value = apiKey.reveal();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x21 || c > 0x7E) {
          // The JDK would refuse the header later, quoting the whole key in its message. So the
          // message names the character, never the key.
          problems.add(
              String.format(
                  "apiKey (OPENAI_API_KEY) has a character that cannot be sent in an HTTP header"
                      + " (U+%04X at index %d); copy the key again, without spaces, line breaks"
                      + " or typographic characters such as an ellipsis",
                  (int) c,
                  i));
          apiKeyRejected = true;
          return this;
        }
      }
      this.apiKey = apiKey;
      this.apiKeyRejected = false;
      return this;
    }

    /**
     * Sets the API key, sent as {@code Authorization: Bearer}.
     *
     * @param apiKey the key: visible ASCII only, as an HTTP header can carry nothing else
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        problems.add("apiKey must not be blank");
        apiKeyRejected = true;
        return this;
      }
      return apiKey(Secret.of(apiKey));
    }

    /**
     * Sets the base URL, for a proxy or any OpenAI-compatible server.
     *
     * @param baseUrl an absolute http or https URL, for example {@code http://localhost:11434/v1}
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String trimmed = baseUrl.strip();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      URI uri;
      try {
        uri = URI.create(trimmed);
      } catch (IllegalArgumentException e) {
        problems.add("baseUrl '" + baseUrl + "' is not a URL; use e.g. https://api.openai.com/v1");
        return this;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        problems.add(
            "baseUrl '" + baseUrl + "' must be an absolute http or https URL with a host;"
                + " use e.g. https://api.openai.com/v1");
        return this;
      }
      if (uri.getRawUserInfo() != null) {
        problems.add(
            "baseUrl must not carry credentials (user:password@); set apiKey(...) instead");
        return this;
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        problems.add("baseUrl '" + baseUrl + "' must not have a query or a fragment");
        return this;
      }
      this.baseUrl = uri;
      this.baseUrlSet = true;
      return this;
    }

    /**
     * Sets the organization, sent as {@code OpenAI-Organization}.
     *
     * @param organization the organization id, for example {@code org-...}
     * @return this builder
     */
    public Builder organization(String organization) {
      this.organization = Objects.requireNonNull(organization, "organization");
      return this;
    }

    /**
     * Sets the project, sent as {@code OpenAI-Project}.
     *
     * @param project the project id, for example {@code proj_...}
     * @return this builder
     */
    public Builder project(String project) {
      this.project = Objects.requireNonNull(project, "project");
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
     * Sets how long a streamed answer may send nothing while it is being read. The request
     * timeout ends when the response headers arrive; without this, a server that stops sending in
     * the middle of a stream would block its reader forever. The time a consumer spends between
     * deltas does not count. When it expires the stream is closed and the reader gets a {@link
     * dev.openaiconnector.api.RequestTimeoutException}.
     *
     * @param timeout a positive duration; default 60 seconds, long enough for a model that thinks
     *     a while before its first token
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
     * @param field {@link MaxTokensField#MAX_TOKENS} for servers that do not know {@code
     *     max_completion_tokens}
     * @return this builder
     */
    public Builder maxTokensField(MaxTokensField field) {
      this.maxTokensField = Objects.requireNonNull(field, "maxTokensField");
      return this;
    }

    /**
     * Allows a plain {@code http://} base URL to a host other than the loopback. Off by default:
     * the key and every prompt would cross the network unencrypted. Also set by {@code
     * OPENAI_ALLOW_INSECURE_HTTP=true}.
     *
     * @param allow true to allow it, for example inside a trusted network
     * @return this builder
     */
    public Builder allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
      return this;
    }

    /**
     * Logs each request body and each plain response body (of a stream, only its status) at
     * DEBUG on the logger {@code dev.openaiconnector.openai.wire}, cut to 4 KB, with the API key,
     * anything shaped like a key and {@code Bearer} tokens redacted; headers are never logged.
     * Off by default, as bodies hold the prompts and answers. Also set by {@code
     * OPENAI_LOG_BODIES=true}.
     *
     * @param log true to log bodies
     * @return this builder
     */
    public Builder logBodies(boolean log) {
      this.logBodies = log;
      return this;
    }

    /**
     * Checks the configuration and builds the provider.
     *
     * @return the provider
     * @throws dev.openaiconnector.api.ConfigurationException listing every problem
     */
    public OpenAiProvider build() {
      List<String> all = new ArrayList<>(problems);
      // OpenAI itself needs a key; a local OpenAI-compatible server often does not.
      if (apiKey == null && !baseUrlSet && !apiKeyRejected) {
        all.add(
            "apiKey is not set; set OPENAI_API_KEY or call apiKey(...), or set a baseUrl for an"
                + " OpenAI-compatible server that needs no key");
      }
      if ("http".equalsIgnoreCase(baseUrl.getScheme())
          && !allowInsecureHttp
          && !isLoopback(baseUrl.getHost())) {
        all.add(
            "baseUrl uses plain http to "
                + baseUrl.getHost()
                + ", which is not a loopback address, so the API key and prompts would travel"
                + " unencrypted; use https, or allow it with allowInsecureHttp(true) or"
                + " OPENAI_ALLOW_INSECURE_HTTP=true");
      }
      if (!all.isEmpty()) {
        throw new ConfigurationException(
            "The OpenAI provider is misconfigured: " + String.join("; ", all), null);
      }
      return new OpenAiProvider(this);
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
