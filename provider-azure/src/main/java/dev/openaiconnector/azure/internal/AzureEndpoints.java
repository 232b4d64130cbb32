package dev.openaiconnector.azure.internal;

import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.openai.Endpoints;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Azure OpenAI's two URL layouts. Deployments: {@code
 * {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...}, the model left
 * out of the body. V1: {@code {endpoint}/openai/v1/chat/completions}, the deployment name as the
 * body's model, no api-version. Both map the model a request names to a deployment: first the
 * mapping for the operation ({@link Operation#CHAT_STREAM} falls back to {@link Operation#CHAT}),
 * then the mapping for every operation, else the model itself is taken as the deployment's name.
 *
 * <p>A deployment name is made of {@code A-Za-z0-9._-} and is neither {@code .} nor {@code ..}.
 * Mapped names are checked when the provider is built; a model used as an unmapped deployment
 * name is checked on each call and refused with a {@link RequestValidationException} before any
 * request. The deployments layout computes the URIs of mapped deployments once and caches at most
 * {@value #UNMAPPED_CACHE_LIMIT} others; the v1 layout's URIs do not depend on the model and are
 * computed once.
 */
public final class AzureEndpoints implements Endpoints {
  /** At most this many URIs of unmapped models are cached; others are built on each call. */
  static final int UNMAPPED_CACHE_LIMIT = 256;

  private static final Pattern DEPLOYMENT_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final String ALLOWED = "letters, digits, '.', '_' and '-' (not '.' or '..' alone)";

  private final String base;
  private final @Nullable String apiVersion;
  private final Map<String, String> deployments;
  private final Map<Operation, Map<String, String>> byOperation;
  // The v1 layout: one URI per operation, whatever the model.
  private final Map<Operation, URI> fixed = new EnumMap<>(Operation.class);
  // The deployments layout: every mapped (operation, model), computed once.
  private final Map<Key, URI> mapped;
  // The deployments layout: unmapped models, bounded.
  private final Map<Key, URI> unmapped = new ConcurrentHashMap<>();

  private record Key(Operation operation, String model) {}

  private AzureEndpoints(
      String base,
      @Nullable String apiVersion,
      Map<String, String> deployments,
      Map<Operation, Map<String, String>> byOperation) {
    this.base = base;
    this.apiVersion = apiVersion;
    this.deployments = Map.copyOf(deployments);
    Map<Operation, Map<String, String>> copy = new EnumMap<>(Operation.class);
    byOperation.forEach(
        (operation, map) -> {
          if (!map.isEmpty()) {
            copy.put(operation, Map.copyOf(map));
          }
        });
    this.byOperation = copy;
    check(this.deployments.values());
    copy.values().forEach(map -> check(map.values()));
    Map<Key, URI> built = new HashMap<>();
    if (apiVersion == null) {
      for (Operation operation : Operation.values()) {
        fixed.put(operation, URI.create(base + path(operation)));
      }
    } else {
      for (Operation operation : List.of(Operation.CHAT, Operation.EMBEDDINGS, Operation.IMAGES)) {
        for (String model : this.deployments.keySet()) {
          built.put(new Key(operation, model), build(operation, mapped(operation, model)));
        }
      }
      copy.forEach(
          (operation, map) -> {
            for (String model : map.keySet()) {
              built.put(new Key(operation, model), build(operation, mapped(operation, model)));
            }
          });
    }
    this.mapped = Map.copyOf(built);
  }

  private static void check(Iterable<String> names) {
    for (String name : names) {
      if (!isValidDeploymentName(name)) {
        throw new IllegalArgumentException(
            "deployment name '" + name + "' must be made of " + ALLOWED);
      }
    }
  }

  /**
   * Tells whether a text can name a deployment: {@code [A-Za-z0-9._-]+}, not {@code .} or {@code
   * ..}.
   *
   * @param name the name
   * @return true when it can
   */
  public static boolean isValidDeploymentName(String name) {
    return DEPLOYMENT_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  /**
   * Describes the characters a deployment name may have, for messages.
   *
   * @return the description
   */
  public static String allowedCharacters() {
    return ALLOWED;
  }

  /**
   * The deployments layout.
   *
   * @param endpoint the resource endpoint, for example {@code https://x.openai.azure.com}
   * @param apiVersion the {@code api-version} query parameter
   * @param deployments model name to deployment name
   * @return the endpoints
   * @throws IllegalArgumentException when a deployment name is not valid
   */
  public static AzureEndpoints deployments(
      URI endpoint, String apiVersion, Map<String, String> deployments) {
    return deployments(endpoint, apiVersion, deployments, Map.of());
  }

  /**
   * The deployments layout, with mappings per operation.
   *
   * @param endpoint the resource endpoint, for example {@code https://x.openai.azure.com}
   * @param apiVersion the {@code api-version} query parameter
   * @param deployments model name to deployment name, for every operation
   * @param byOperation per operation, model name to deployment name; these come first
   * @return the endpoints
   * @throws IllegalArgumentException when a deployment name is not valid
   */
  public static AzureEndpoints deployments(
      URI endpoint,
      String apiVersion,
      Map<String, String> deployments,
      Map<Operation, Map<String, String>> byOperation) {
    return new AzureEndpoints(
        trim(endpoint) + "/openai/deployments/", apiVersion, deployments, byOperation);
  }

  /**
   * The v1 layout.
   *
   * @param endpoint the resource endpoint, with or without {@code /openai/v1}
   * @param deployments model name to deployment name
   * @return the endpoints
   * @throws IllegalArgumentException when a deployment name is not valid
   */
  public static AzureEndpoints v1(URI endpoint, Map<String, String> deployments) {
    return v1(endpoint, deployments, Map.of());
  }

  /**
   * The v1 layout, with mappings per operation.
   *
   * @param endpoint the resource endpoint, with or without {@code /openai/v1}
   * @param deployments model name to deployment name, for every operation
   * @param byOperation per operation, model name to deployment name; these come first
   * @return the endpoints
   * @throws IllegalArgumentException when a deployment name is not valid
   */
  public static AzureEndpoints v1(
      URI endpoint,
      Map<String, String> deployments,
      Map<Operation, Map<String, String>> byOperation) {
    String trimmed = trim(endpoint);
    return new AzureEndpoints(
        isV1(endpoint) ? trimmed + "/" : trimmed + "/openai/v1/", null, deployments, byOperation);
  }

  /**
   * Tells whether an endpoint names the v1 API, its path ending in {@code /openai/v1}.
   *
   * @param endpoint the endpoint
   * @return true for the v1 layout
   */
  public static boolean isV1(URI endpoint) {
    return trim(endpoint).endsWith("/openai/v1");
  }

  private static String trim(URI endpoint) {
    String text = endpoint.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  private static Operation target(Operation operation) {
    return operation == Operation.CHAT_STREAM ? Operation.CHAT : operation;
  }

  // The mapped deployment, or null.
  private @Nullable String mapped(Operation operation, String model) {
    Map<String, String> own = byOperation.get(operation);
    String found = own == null ? null : own.get(model);
    if (found == null && operation == Operation.CHAT_STREAM) {
      Map<String, String> chat = byOperation.get(Operation.CHAT);
      found = chat == null ? null : chat.get(model);
    }
    return found == null ? deployments.get(model) : found;
  }

  /**
   * Returns the deployment a model maps to for every operation.
   *
   * @param model the model a request names
   * @return the mapped deployment, else the model itself
   */
  public String deployment(String model) {
    return deployments.getOrDefault(model, model);
  }

  /**
   * Returns the deployment a model maps to for an operation: the operation's mapping ({@link
   * Operation#CHAT_STREAM} falling back to {@link Operation#CHAT}), then the mapping for every
   * operation, else the model itself.
   *
   * @param operation the operation
   * @param model the model a request names
   * @return the deployment, not checked
   */
  public String deployment(Operation operation, String model) {
    String found = mapped(operation, model);
    return found == null ? model : found;
  }

  // The deployment, a model used as one checked.
  private String checkedDeployment(Operation operation, String model) {
    String found = mapped(operation, model);
    if (found != null) {
      return found;
    }
    if (!isValidDeploymentName(model)) {
      throw new RequestValidationException(
          List.of(
              "model '"
                  + printable(model)
                  + "' has no deployment mapping, so it is taken as the deployment's name, which"
                  + " must be made of "
                  + ALLOWED
                  + "; map it with deployment(model, deployment) or AZURE_OPENAI_DEPLOYMENTS"));
    }
    return model;
  }

  // A message may quote the model; control characters and very long texts are cut down.
  private static String printable(String model) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < model.length() && out.length() < 80; i++) {
      char c = model.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.length() < model.length() ? out + "..." : out.toString();
  }

  @Override
  public URI uri(Operation operation, String model) {
    Operation target = target(operation);
    if (apiVersion == null) {
      checkedDeployment(operation, model);
      return fixed.get(target);
    }
    // A stream goes where a plain chat goes, unless it has its own mapping.
    if (operation == Operation.CHAT_STREAM) {
      URI own = mapped.get(new Key(Operation.CHAT_STREAM, model));
      if (own != null) {
        return own;
      }
    }
    Key key = new Key(target, model);
    URI uri = mapped.get(key);
    if (uri != null) {
      return uri;
    }
    uri = unmapped.get(key);
    if (uri != null) {
      return uri;
    }
    uri = build(target, checkedDeployment(target, model));
    if (unmapped.size() < UNMAPPED_CACHE_LIMIT) {
      URI raced = unmapped.putIfAbsent(key, uri);
      return raced == null ? uri : raced;
    }
    return uri;
  }

  int cachedUnmapped() {
    return unmapped.size();
  }

  private URI build(Operation operation, String deployment) {
    return URI.create(
        base
            + deployment
            + "/"
            + path(operation)
            + "?api-version="
            + URLEncoder.encode(Objects.requireNonNull(apiVersion), StandardCharsets.UTF_8));
  }

  private static String path(Operation operation) {
    switch (operation) {
      case EMBEDDINGS:
        return "embeddings";
      case IMAGES:
        return "images/generations";
      default:
        return "chat/completions";
    }
  }

  @Override
  public @Nullable String bodyModel(Operation operation, String model) {
    // The deployments layout names the deployment in the path; v1 names it in the body.
    return apiVersion == null ? checkedDeployment(operation, model) : null;
  }

  @Override
  public String toString() {
    return "AzureEndpoints["
        + base
        + (apiVersion == null ? "" : ", api-version " + apiVersion)
        + ", deployments "
        + deployments
        + (byOperation.isEmpty() ? "" : ", per operation " + byOperation)
        + "]";
  }
}
