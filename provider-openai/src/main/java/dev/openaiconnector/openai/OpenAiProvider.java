package dev.openaiconnector.openai;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Provider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
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
 * <p>An {@link OpenAiCompatible} configured for OpenAI: {@link Endpoints#openAi(URI)}, {@link
 * Authentication#bearer}, and the {@code OpenAI-Organization} and {@code OpenAI-Project} headers.
 *
 * <p>Streams are sent with {@code "stream": true} and {@code "stream_options": {"include_usage":
 * true}} and read event by event, never buffered whole; an error status before the stream starts
 * fails {@code open} like a plain call, and a failure during the stream reaches {@code next()}:
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
 * <p>Embeddings: each batch of up to 2048 inputs is one {@code POST /embeddings} with {@code
 * encoding_format: base64}, decoded straight into {@code float[]} (float JSON is read too). Images:
 * one {@code POST /images/generations}; {@code b64_json} images come decoded, with the MIME type
 * of the answer's {@code output_format} (else the request's, else {@code image/png}).
 *
 * <p>Thread-safe; owned and closed by the connector it is given to.
 */
public final class OpenAiProvider extends OpenAiCompatibleProvider {
  /** The provider id, also the id of {@link OpenAiProviderFactory}. */
  public static final String ID = "openai";

  /** OpenAI's public endpoint. */
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");

  static final Set<Capability> CAPABILITIES = OpenAiCompatible.OPENAI_CAPABILITIES;

  /** Sends no credentials, for a local OpenAI-compatible server that needs none. */
  private static final Authentication NO_KEY =
      new Authentication() {
        @Override
        public void addHeaders(BiConsumer<String, String> header) {}

        @Override
        public String toString() {
          return "Authentication[none]";
        }
      };

  private final URI baseUrl;

  // Everything on the wire is the building block's; this class only configures it for OpenAI.
  private OpenAiProvider(OpenAiCompatible compatible, URI baseUrl) {
    super(compatible);
    this.baseUrl = baseUrl;
  }

  /**
   * Starts configuring a provider.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
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
    return compatible().scheduledTimeouts();
  }

  @Override
  public String toString() {
    return "OpenAiProvider[baseUrl=" + baseUrl + "]";
  }

  /** Configures an {@link OpenAiProvider}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Secret apiKey;
    // A rejected key is reported as such, not again as a missing one.
    private boolean apiKeyRejected;
    private URI baseUrl = DEFAULT_BASE_URL;
    private boolean baseUrlSet;
    private @Nullable String organization;
    private @Nullable String project;
    // Timeouts, options and their problems live in the building block's builder.
    private final OpenAiCompatible.Builder compatible =
        OpenAiCompatible.builder()
            .providerId(ID)
            .providerName("OpenAI")
            .allowInsecureHttpSetting("OPENAI_ALLOW_INSECURE_HTTP");
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
      compatible.connectTimeout(timeout);
      return this;
    }

    /**
     * Sets how the provider reaches the server: a proxy, the proxy's credentials, a TLS context
     * that trusts a corporate certificate authority. Without it, the JVM's settings apply (the
     * {@code https.proxyHost} and {@code javax.net.ssl.trustStore} system properties and their
     * kin), which cover a proxy without credentials and a trust store of one's own; a proxy that
     * asks for credentials needs a {@link Network} with them.
     *
     * @param network the network settings; default {@link Network#jvmDefaults()}
     * @return this builder
     */
    public Builder network(Network network) {
      compatible.network(network);
      return this;
    }

    /**
     * Sets the time allowed for the response to start arriving after the request was sent.
     *
     * @param timeout a positive duration; default 120 seconds, as long answers take time
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      compatible.requestTimeout(timeout);
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
      compatible.streamIdleTimeout(timeout);
      return this;
    }

    /**
     * Sets the request field that carries the token limit.
     *
     * @param field {@link MaxTokensField#MAX_TOKENS} for servers that do not know {@code
     *     max_completion_tokens}
     * @return this builder
     */
    public Builder maxTokensField(MaxTokensField field) {
      compatible.maxTokensField(field);
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
      compatible.allowInsecureHttp(allow);
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
      compatible.logBodies(log);
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
      compatible
          .baseUrl(baseUrl)
          .endpoints(Endpoints.openAi(baseUrl))
          .authentication(apiKey == null ? NO_KEY : Authentication.bearer(apiKey));
      if (organization != null) {
        compatible.header("OpenAI-Organization", organization);
      }
      if (project != null) {
        compatible.header("OpenAI-Project", project);
      }
      all.addAll(compatible.problems());
      if (!all.isEmpty()) {
        throw new ConfigurationException(
            "The OpenAI provider is misconfigured: " + String.join("; ", all), null);
      }
      return new OpenAiProvider(compatible.build(), baseUrl);
    }
  }
}
