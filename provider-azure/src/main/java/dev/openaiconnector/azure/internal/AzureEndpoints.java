package dev.openaiconnector.azure.internal;

import dev.openaiconnector.api.Operation;
import dev.openaiconnector.openai.Endpoints;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Azure OpenAI's two URL layouts. Deployments: {@code
 * {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...}, the model left
 * out of the body. V1: {@code {endpoint}/openai/v1/chat/completions}, the deployment name as the
 * body's model, no api-version. Both map the model a request names to a deployment; a model
 * without a mapping is taken as the deployment's name.
 */
public final class AzureEndpoints implements Endpoints {
  private final String base;
  private final @Nullable String apiVersion;
  private final Map<String, String> deployments;
  private final Map<Key, URI> uris = new ConcurrentHashMap<>();

  private record Key(Operation operation, String model) {}

  private AzureEndpoints(String base, @Nullable String apiVersion, Map<String, String> deployments) {
    this.base = base;
    this.apiVersion = apiVersion;
    this.deployments = Map.copyOf(deployments);
  }

  /**
   * The deployments layout.
   *
   * @param endpoint the resource endpoint, for example {@code https://x.openai.azure.com}
   * @param apiVersion the {@code api-version} query parameter
   * @param deployments model name to deployment name
   * @return the endpoints
   */
  public static AzureEndpoints deployments(
      URI endpoint, String apiVersion, Map<String, String> deployments) {
    return new AzureEndpoints(trim(endpoint) + "/openai/deployments/", apiVersion, deployments);
  }

  /**
   * The v1 layout.
   *
   * @param endpoint the resource endpoint, with or without {@code /openai/v1}
   * @param deployments model name to deployment name
   * @return the endpoints
   */
  public static AzureEndpoints v1(URI endpoint, Map<String, String> deployments) {
    String trimmed = trim(endpoint);
    return new AzureEndpoints(
        isV1(endpoint) ? trimmed + "/" : trimmed + "/openai/v1/", null, deployments);
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

  /**
   * Returns the deployment a model maps to.
   *
   * @param model the model a request names
   * @return the mapped deployment, else the model itself
   */
  public String deployment(String model) {
    return deployments.getOrDefault(model, model);
  }

  @Override
  public URI uri(Operation operation, String model) {
    // A stream goes where a plain chat goes: one cache entry for both.
    Operation target = operation == Operation.CHAT_STREAM ? Operation.CHAT : operation;
    return uris.computeIfAbsent(new Key(target, model), this::build);
  }

  private URI build(Key key) {
    String path = path(key.operation());
    if (apiVersion == null) {
      return URI.create(base + path);
    }
    return URI.create(
        base
            + segment(deployment(key.model()))
            + "/"
            + path
            + "?api-version="
            + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
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

  // URLEncoder writes form encoding; a path segment wants %20 for a space.
  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public @Nullable String bodyModel(Operation operation, String model) {
    // The deployments layout names the deployment in the path; v1 names it in the body.
    return apiVersion == null ? deployment(model) : null;
  }

  @Override
  public String toString() {
    return "AzureEndpoints["
        + base
        + (apiVersion == null ? "" : ", api-version " + apiVersion)
        + ", deployments "
        + deployments
        + "]";
  }
}
