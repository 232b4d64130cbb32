package dev.openaiconnector.azure;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.azure.internal.AzureEndpoints;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.openai.MaxTokensField;
import dev.openaiconnector.openai.Network;
import dev.openaiconnector.openai.OpenAiCompatible;
import dev.openaiconnector.openai.OpenAiCompatibleProvider;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Provider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The Azure OpenAI provider: chat completions (plain and streamed), embeddings and image
 * generation against an Azure OpenAI resource, authenticated with an {@code api-key} or a
 * Microsoft Entra ID token.
 *
 * <pre>{@code
 * Provider azure = AzureOpenAiProvider.builder()
 *     .endpoint("https://my-resource.openai.azure.com")
 *     .deployment("gpt-4o-mini", "my-gpt-4o-mini")   // application code keeps OpenAI's names
 *     .credential(EntraCredential.managedIdentity(null))
 *     .build();
 * Connector ai = Connectors.builder().provider(azure).build();
 * }</pre>
 *
 * <p>Two URL layouts ({@link Layout}): the deployments layout, {@code
 * {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21}, with the
 * model left out of the body; and the v1 layout, {@code {endpoint}/openai/v1/chat/completions},
 * with the deployment name as the body's model and no api-version. The model a request names is
 * mapped to a deployment with {@link Builder#deployment(Operation, String, String)} for one
 * operation, else {@link Builder#deployment(String, String)} for every operation; an unmapped model
 * is taken as the deployment's name. Deployment names are made of {@code A-Za-z0-9._-}; a model
 * taken as one that is not fails the call with a {@link
 * dev.openaiconnector.api.RequestValidationException} before any request is sent.
 *
 * <p>With an {@link EntraCredential}, a {@code 401} drops the token, gets a new one and sends the
 * request once more; a second {@code 401} fails with {@link
 * dev.openaiconnector.api.AuthenticationException}. Getting a token counts against the call's
 * deadline: a call whose deadline passes while its token is fetched fails with {@link
 * dev.openaiconnector.api.RequestTimeoutException}, and the token request goes on for the calls
 * that follow. Content filter results, {@code
 * apim-request-id}, {@code x-ms-region} and {@code retry-after-ms} are read.
 *
 * <p>Thread-safe; owned and closed by the connector it is given to.
 */
public final class AzureOpenAiProvider extends OpenAiCompatibleProvider {
  /** The provider id, also the id of {@link AzureOpenAiProviderFactory}. */
  public static final String ID = "azure";

  /** The default {@code api-version} of the deployments layout: the newest GA version. */
  public static final String DEFAULT_API_VERSION = "2024-10-21";

  // What Azure OpenAI deployments serve through the OpenAI wire protocol; a deployment may serve
  // less (see Builder#capabilities).
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

  /** How request URLs are laid out. */
  public enum Layout {
    /** V1 when the endpoint's path ends in {@code /openai/v1}, else deployments. */
    AUTO,
    /** {@code {endpoint}/openai/deployments/{deployment}/...?api-version=...}. */
    DEPLOYMENTS,
    /** {@code {endpoint}/openai/v1/...}, the deployment as the body's model. */
    V1
  }

  private final URI endpoint;
  private final Layout layout;
  private final String apiVersion;
  private final String authentication;

  private AzureOpenAiProvider(
      OpenAiCompatible compatible,
      URI endpoint,
      Layout layout,
      String apiVersion,
      String authentication) {
    super(compatible);
    this.endpoint = endpoint;
    this.layout = layout;
    this.apiVersion = apiVersion;
    this.authentication = authentication;
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
   * Returns the resource endpoint.
   *
   * @return the endpoint, without a trailing slash
   */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Returns the layout in use, {@link Layout#AUTO} resolved.
   *
   * @return {@link Layout#DEPLOYMENTS} or {@link Layout#V1}
   */
  public Layout layout() {
    return layout;
  }

  /**
   * Returns the {@code api-version} the deployments layout sends.
   *
   * @return the version
   */
  public String apiVersion() {
    return apiVersion;
  }

  @Override
  public String toString() {
    return "AzureOpenAiProvider[endpoint="
        + endpoint
        + ", layout="
        + layout
        + (layout == Layout.DEPLOYMENTS ? ", api-version=" + apiVersion : "")
        + ", auth="
        + authentication
        + "]";
  }

  /** Configures an {@link AzureOpenAiProvider}. Not thread-safe. */
  public static final class Builder {
    private @Nullable URI endpoint;
    private String apiVersion = DEFAULT_API_VERSION;
    private Layout layout = Layout.AUTO;
    private final Map<String, String> deployments = new LinkedHashMap<>();
    private final Map<Operation, Map<String, String>> operationDeployments =
        new EnumMap<>(Operation.class);
    private @Nullable Secret apiKey;
    private @Nullable EntraCredential credential;
    private @Nullable Duration connectTimeout;
    private @Nullable Network network;
    private @Nullable Duration requestTimeout;
    private @Nullable Duration streamIdleTimeout;
    private @Nullable MaxTokensField maxTokensField;
    private @Nullable Set<Capability> capabilities;
    private boolean allowInsecureHttp;
    private boolean logBodies;
    private final List<String> problems = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the resource endpoint: {@code https://<resource>.openai.azure.com}, a custom domain
     * such as {@code https://<name>.cognitiveservices.azure.com}, or either followed by {@code
     * /openai/v1} for the v1 layout.
     *
     * @param endpoint an absolute https URL without query or credentials
     * @return this builder
     */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      String text = endpoint.toString().strip();
      while (text.endsWith("/")) {
        text = text.substring(0, text.length() - 1);
      }
      // The portal's sample URLs end in /openai; the layouts add that part themselves.
      if (text.endsWith("/openai")) {
        text = text.substring(0, text.length() - "/openai".length());
      }
      URI trimmed = URI.create(text);
      String scheme =
          trimmed.getScheme() == null ? "" : trimmed.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || trimmed.getHost() == null) {
        problems.add(
            "endpoint '"
                + quotable(endpoint.toString())
                + "' must be an absolute https URL with a host, such as"
                + " https://my-resource.openai.azure.com");
      } else if (trimmed.getRawUserInfo() != null) {
        problems.add("endpoint must not carry credentials (user:password@)");
      } else if (trimmed.getRawQuery() != null || trimmed.getRawFragment() != null) {
        problems.add(
            "endpoint '" + quotable(endpoint.toString()) + "' must not have a query or a fragment");
      } else {
        this.endpoint = trimmed;
        return this;
      }
      this.endpoint = null;
      return this;
    }

    /**
     * Sets the resource endpoint.
     *
     * @param endpoint an absolute https URL, such as {@code https://my-resource.openai.azure.com}
     * @return this builder
     * @see #endpoint(URI)
     */
    public Builder endpoint(String endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      try {
        return endpoint(URI.create(endpoint.strip()));
      } catch (IllegalArgumentException e) {
        problems.add(
            "endpoint '"
                + quotable(endpoint)
                + "' is not a URL; use e.g. https://my-resource.openai.azure.com");
        return this;
      }
    }

    // The endpoint as a problem message may quote it: scheme, host and path only. A query, a
    // fragment or user info may hold a key or a signature (?api-key=, sig=, user:pass@). Works on
    // the raw text, as the endpoint may not parse as a URI at all.
    private static String quotable(String endpoint) {
      String text = endpoint.strip();
      int end = text.length();
      for (char c : new char[] {'?', '#'}) {
        int at = text.indexOf(c);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      text = text.substring(0, end);
      int authorityStart = text.indexOf("//");
      authorityStart = authorityStart < 0 ? 0 : authorityStart + 2;
      int authorityEnd = text.indexOf('/', authorityStart);
      if (authorityEnd < 0) {
        authorityEnd = text.length();
      }
      int at = text.lastIndexOf('@', authorityEnd - 1);
      if (at >= authorityStart) {
        text = text.substring(0, authorityStart) + text.substring(at + 1);
      }
      return text;
    }

    /**
     * Sets the {@code api-version} of the deployments layout; the v1 layout sends none.
     *
     * @param apiVersion for example {@code 2024-10-21} (the default) or {@code
     *     2025-04-01-preview}
     * @return this builder
     */
    public Builder apiVersion(String apiVersion) {
      Objects.requireNonNull(apiVersion, "apiVersion");
      String trimmed = apiVersion.strip();
      if (!trimmed.matches("\\d{4}-\\d{2}-\\d{2}(-[A-Za-z0-9.]+)?")) {
        problems.add(
            "apiVersion (OPENAI_API_VERSION) must look like 2024-10-21 or 2025-04-01-preview,"
                + " was '"
                + apiVersion
                + "'");
        return this;
      }
      this.apiVersion = trimmed;
      return this;
    }

    /**
     * Sets the URL layout.
     *
     * @param layout {@link Layout#AUTO} (the default) decides from the endpoint
     * @return this builder
     */
    public Builder layout(Layout layout) {
      this.layout = Objects.requireNonNull(layout, "layout");
      return this;
    }

    /**
     * Maps a model name to the deployment that serves it, so that application code names models
     * as it would for OpenAI, for every operation ({@link #deployment(Operation, String, String)}
     * comes first). A model without a mapping is taken as the deployment's name.
     *
     * @param model the model a request names, for example {@code gpt-4o-mini}
     * @param deployment the deployment's name in the Azure resource: {@code A-Za-z0-9._-}, not
     *     {@code .} or {@code ..}
     * @return this builder
     */
    public Builder deployment(String model, String deployment) {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(deployment, "deployment");
      if (checkMapping(null, model, deployment)) {
        deployments.put(model.strip(), deployment.strip());
      }
      return this;
    }

    /**
     * Maps a model name to the deployment that serves it for one operation, for example a chat
     * model and an embeddings model that share a name but not a deployment. For a call, the
     * operation's mapping comes first ({@link Operation#CHAT_STREAM} uses the {@link
     * Operation#CHAT} mapping unless it has its own), then {@link #deployment(String, String)},
     * else the model itself is taken as the deployment's name.
     *
     * @param operation the operation
     * @param model the model a request names, for example {@code gpt-4o}
     * @param deployment the deployment's name in the Azure resource: {@code A-Za-z0-9._-}, not
     *     {@code .} or {@code ..}
     * @return this builder
     */
    public Builder deployment(Operation operation, String model, String deployment) {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(deployment, "deployment");
      if (checkMapping(operation, model, deployment)) {
        operationDeployments
            .computeIfAbsent(operation, o -> new LinkedHashMap<>())
            .put(model.strip(), deployment.strip());
      }
      return this;
    }

    private boolean checkMapping(@Nullable Operation operation, String model, String deployment) {
      String where = operation == null ? "" : " for " + operation;
      if (model.isBlank() || deployment.isBlank()) {
        problems.add(
            "deployment mapping '"
                + model
                + "' -> '"
                + deployment
                + "'"
                + where
                + " must name both sides");
        return false;
      }
      if (!AzureEndpoints.isValidDeploymentName(deployment.strip())) {
        problems.add(
            "deployment name '"
                + deployment.strip()
                + "' (for model '"
                + model.strip()
                + "'"
                + where
                + ") must be made of "
                + AzureEndpoints.allowedCharacters());
        return false;
      }
      return true;
    }

    /**
     * Sets the resource's API key, sent as the {@code api-key} header.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(Secret apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      String value = apiKey.reveal();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x21 || c > 0x7E) {
          // The JDK would refuse the header later, quoting the key: name the character instead.
          problems.add(
              String.format(
                  "apiKey (AZURE_OPENAI_API_KEY) has a character that cannot be sent in an HTTP"
                      + " header (U+%04X at index %d); copy the key again",
                  (int) c,
                  i));
          return this;
        }
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Sets the resource's API key, sent as the {@code api-key} header.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        problems.add("apiKey (AZURE_OPENAI_API_KEY) must not be blank");
        return this;
      }
      return apiKey(Secret.of(apiKey));
    }

    /**
     * Authenticates with Microsoft Entra ID tokens, sent as {@code Authorization: Bearer}.
     *
     * @param credential where tokens come from
     * @return this builder
     */
    public Builder credential(EntraCredential credential) {
      this.credential = Objects.requireNonNull(credential, "credential");
      return this;
    }

    /**
     * Sets the time allowed to open a connection.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets how the provider reaches the endpoint: a proxy, the proxy's credentials, a TLS context
     * that trusts a corporate certificate authority. Without it, the JVM's settings apply. An
     * {@link EntraCredential} fetches its tokens with a network of its own ({@link
     * EntraCredential#network(Network)}): give it the same one when both go through the proxy.
     *
     * @param network the network settings; default {@link Network#jvmDefaults()}
     * @return this builder
     */
    public Builder network(Network network) {
      this.network = Objects.requireNonNull(network, "network");
      return this;
    }

    /**
     * Sets the time allowed for a whole plain call.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * Sets the time a stream may stay silent before it fails.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = positive("streamIdleTimeout", timeout);
      return this;
    }

    /**
     * Sets the request field that carries the maximum number of tokens.
     *
     * @param field the field
     * @return this builder
     */
    public Builder maxTokensField(MaxTokensField field) {
      this.maxTokensField = Objects.requireNonNull(field, "field");
      return this;
    }

    /**
     * Declares what the deployments can do, when they do less than everything (for example no
     * image generation).
     *
     * @param capabilities the capabilities; must include {@link Capability#CHAT}
     * @return this builder
     */
    public Builder capabilities(Set<Capability> capabilities) {
      Objects.requireNonNull(capabilities, "capabilities");
      if (!capabilities.contains(Capability.CHAT)) {
        problems.add("capabilities must include CHAT");
        return this;
      }
      this.capabilities = Set.copyOf(capabilities);
      return this;
    }

    /**
     * Allows plain {@code http://} to a host other than the loopback, for a gateway on a trusted
     * network. Off by default: keys, tokens and prompts would cross the network in clear text.
     *
     * @param allow true to allow
     * @return this builder
     */
    public Builder allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
      return this;
    }

    /**
     * Logs request and response bodies at DEBUG, secrets redacted. Off by default: bodies hold
     * prompts.
     *
     * @param log true to log
     * @return this builder
     */
    public Builder logBodies(boolean log) {
      this.logBodies = log;
      return this;
    }

    private @Nullable Duration positive(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative() || timeout.isZero()) {
        problems.add(name + " must be positive, was " + timeout);
        return null;
      }
      return timeout;
    }

    /**
     * Builds the provider, after checking the whole configuration.
     *
     * @return the provider
     * @throws ConfigurationException listing every problem found; never quoting a secret
     */
    public AzureOpenAiProvider build() {
      List<String> all = new ArrayList<>(problems);
      URI endpointNow = endpoint;
      if (endpointNow == null && problems.stream().noneMatch(p -> p.startsWith("endpoint"))) {
        all.add(
            "endpoint (AZURE_OPENAI_ENDPOINT) is required, such as"
                + " https://my-resource.openai.azure.com");
      }
      if (apiKey != null && credential != null) {
        all.add(
            "set either apiKey (AZURE_OPENAI_API_KEY) or credential(EntraCredential...), not both");
      } else if (apiKey == null
          && credential == null
          && problems.stream().noneMatch(p -> p.startsWith("apiKey"))) {
        all.add(
            "no authentication: set apiKey (AZURE_OPENAI_API_KEY) or credential(EntraCredential"
                + "...) (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET,"
                + " AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE)");
      }
      Layout resolved = layout;
      if (endpointNow != null) {
        boolean v1Path = AzureEndpoints.isV1(endpointNow);
        if (layout == Layout.AUTO) {
          resolved = v1Path ? Layout.V1 : Layout.DEPLOYMENTS;
        } else if (layout == Layout.DEPLOYMENTS && v1Path) {
          all.add(
              "endpoint '"
                  + endpointNow
                  + "' ends in /openai/v1, which the deployments layout cannot use; give the"
                  + " resource endpoint without it, or use layout V1");
        }
      }
      OpenAiCompatible.Builder block =
          OpenAiCompatible.builder()
              .providerId(ID)
              .providerName("Azure OpenAI")
              .requestIdHeaders(List.of("apim-request-id", "x-request-id", "x-ms-request-id"))
              .regionHeader("x-ms-region")
              .capabilities(capabilities == null ? CAPABILITIES : capabilities)
              .allowInsecureHttp(allowInsecureHttp)
              .logBodies(logBodies);
      if (connectTimeout != null) {
        block.connectTimeout(connectTimeout);
      }
      if (network != null) {
        block.network(network);
      }
      if (requestTimeout != null) {
        block.requestTimeout(requestTimeout);
      }
      if (streamIdleTimeout != null) {
        block.streamIdleTimeout(streamIdleTimeout);
      }
      if (maxTokensField != null) {
        block.maxTokensField(maxTokensField);
      }
      String authDescription = "";
      if (all.isEmpty()) {
        URI endpointSet = Objects.requireNonNull(endpointNow);
        block
            .baseUrl(endpointSet)
            .endpoints(
                resolved == Layout.V1
                    ? AzureEndpoints.v1(endpointSet, deployments, operationDeployments)
                    : AzureEndpoints.deployments(
                        endpointSet, apiVersion, deployments, operationDeployments));
        EntraCredential entra = credential;
        if (entra != null) {
          block.authentication(entra.authentication());
          authDescription = "entra id (" + entra + ")";
        } else {
          block.authentication(
              Authentication.header("api-key", "", Objects.requireNonNull(apiKey)));
          authDescription = "api-key";
        }
        // The building block's own checks, such as plain http to a remote host, in the same
        // report as ours.
        all.addAll(block.problems());
      }
      if (!all.isEmpty()) {
        throw new ConfigurationException(
            "the Azure OpenAI provider is not configured correctly:\n  - "
                + String.join("\n  - ", all),
            null);
      }
      return new AzureOpenAiProvider(
          block.build(), Objects.requireNonNull(endpointNow), resolved, apiVersion, authDescription);
    }
  }
}
