package dev.openaiconnector.testkit;

import dev.openaiconnector.testkit.internal.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The fake server's Azure OpenAI mode: the deployments layout ({@code
 * /openai/deployments/<deployment>/<operation>?api-version=...}) and the v1 layout ({@code
 * /openai/v1/<operation>}), Azure's authentication and error bodies, and its content-filter
 * annotations. The answers themselves come from the OpenAI routes, so both fakes stay in step;
 * this class only translates the request in and decorates the answer out.
 */
final class AzureRoutes {
  static final String PREFIX = "/openai/";
  static final String DEPLOYMENTS = "/openai/deployments/";
  static final String V1 = "/openai/v1/";

  /** Versions Azure documents for inference; preview ones included, as clients use them. */
  static final Set<String> API_VERSIONS =
      Set.of(
          "2022-12-01",
          "2023-05-15",
          "2024-02-01",
          "2024-06-01",
          "2024-10-21",
          "2024-12-01-preview",
          "2025-01-01-preview",
          "2025-02-01-preview",
          "2025-03-01-preview",
          "2025-04-01-preview");

  /** What the v1 layout takes as {@code api-version}; it needs none. */
  private static final Set<String> V1_API_VERSIONS = Set.of("preview", "latest");

  static final Set<String> SEVERITY_CATEGORIES = Set.of("hate", "sexual", "violence", "self_harm");
  static final Set<String> FILTERED_SEVERITIES = Set.of("low", "medium", "high");

  private static final String NO_KEY =
      "Access denied due to missing subscription key. Make sure to include subscription key when"
          + " making requests to an API.";
  private static final String WRONG_KEY =
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a"
          + " valid key for an active subscription and use a correct regional API endpoint for"
          + " your resource.";
  private static final String BAD_TOKEN =
      "Access token is missing, invalid, audience is incorrect"
          + " (https://cognitiveservices.azure.com), or have expired.";
  private static final String NO_DEPLOYMENT =
      "The API deployment for this resource does not exist. If you created the deployment within"
          + " the last 5 minutes, please wait a moment and try again.";
  static final String PROMPT_FILTERED =
      "The response was filtered due to the prompt triggering Azure OpenAI's content management"
          + " policy. Please modify your prompt and retry. To learn more about our content"
          + " filtering policies please read our documentation:"
          + " https://go.microsoft.com/fwlink/?linkid=2198766";

  /**
   * What the builder set: a null key and a null token check mean "not configured"; with neither
   * configured any non-blank credential passes. An empty deployment map accepts every deployment
   * and answers with its name as the model.
   */
  record Settings(
      @Nullable String apiKey,
      @Nullable Predicate<String> bearerTokens,
      Map<String, String> deployments,
      String region,
      Set<String> apiVersions) {
    Settings {
      // In declaration order: the JUnit extension maps each model to its first deployment.
      deployments = Collections.unmodifiableMap(new LinkedHashMap<>(deployments));
      apiVersions = Set.copyOf(apiVersions);
    }
  }

  private AzureRoutes() {}

  static boolean isAzurePath(RecordedRequest request) {
    return pathOf(request).startsWith(PREFIX);
  }

  /**
   * Answers a request under {@code /openai/}, or returns null for any other path, which the
   * OpenAI routes then answer.
   */
  static @Nullable FakeResponse answer(
      RecordedRequest request,
      int sequence,
      Settings settings,
      int streamChunkLength,
      URI baseUrl) {
    String path = pathOf(request);
    if (!path.startsWith(PREFIX)) {
      return null;
    }
    boolean v1 = path.startsWith(V1);
    String operation;
    @Nullable String deployment = null;
    if (v1) {
      operation = path.substring(V1.length());
    } else if (path.startsWith(DEPLOYMENTS)) {
      String rest = path.substring(DEPLOYMENTS.length());
      int slash = rest.indexOf('/');
      if (slash <= 0) {
        return resourceNotFound();
      }
      deployment = rest.substring(0, slash);
      operation = rest.substring(slash + 1);
    } else {
      return resourceNotFound();
    }
    if (!operation.equals("chat/completions")
        && !operation.equals("embeddings")
        && !operation.equals("images/generations")) {
      return resourceNotFound();
    }
    if (!request.method().equals("POST")) {
      return error(405, "405", "Method " + request.method() + " is not allowed; use POST.")
          .header("Allow", "POST");
    }
    FakeResponse refused = checkCredentials(request, settings);
    if (refused != null) {
      return refused;
    }
    @Nullable String version = request.queryParameter("api-version").orElse(null);
    if (v1) {
      if (version != null && !V1_API_VERSIONS.contains(version)) {
        return unsupportedVersion();
      }
    } else if (version == null) {
      // Azure's gateway finds no route without a version, hence a 404, not a 400.
      return resourceNotFound();
    } else if (!settings.apiVersions().contains(version)) {
      return unsupportedVersion();
    }

    Object parsed = EmbeddingRoutes.parseBody(request);
    if (parsed instanceof FakeResponse) {
      return (FakeResponse) parsed;
    }
    Map<String, @Nullable Object> body = new LinkedHashMap<>();
    ((Map<?, ?>) parsed).forEach((key, value) -> body.put((String) key, value));
    if (v1) {
      Object model = body.get("model");
      if (model == null) {
        return OpenAiRoutes.missing("model");
      }
      if (!(model instanceof String)) {
        return OpenAiRoutes.invalidType("model", "a string", model);
      }
      deployment = (String) model;
    }
    String model = modelOf(Objects.requireNonNull(deployment), settings);
    if (model == null) {
      return error(404, "DeploymentNotFound", NO_DEPLOYMENT);
    }
    // The deployments layout ignores the body's model: the deployment decides, as on Azure.
    body.put("model", model);
    RecordedRequest translated =
        new RecordedRequest(
            request.method(), "/v1/" + operation, request.headers(), Json.write(body));
    switch (operation) {
      case "chat/completions":
        FakeResponse chat = OpenAiRoutes.chatCompletion(translated, sequence, streamChunkLength);
        return chat.status() == 200 ? withFilterResults(chat) : chat;
      case "embeddings":
        return EmbeddingRoutes.embeddings(translated);
      default:
        FakeResponse images = ImageRoutes.generations(translated, sequence, baseUrl);
        return images.status() == 200 ? images.mapBody(AzureRoutes::filterImages) : images;
    }
  }

  private static @Nullable String modelOf(String deployment, Settings settings) {
    if (settings.deployments().isEmpty()) {
      return deployment;
    }
    return settings.deployments().get(deployment);
  }

  /**
   * Azure checks {@code api-key} first and falls back to a bearer token; a mechanism that the
   * builder did not configure is refused once the other one is configured.
   */
  private static @Nullable FakeResponse checkCredentials(
      RecordedRequest request, Settings settings) {
    boolean configured = settings.apiKey() != null || settings.bearerTokens() != null;
    String key = request.header("api-key").orElse("").trim();
    if (!key.isEmpty()) {
      boolean valid = !configured || key.equals(settings.apiKey());
      return valid ? null : error(401, "401", WRONG_KEY);
    }
    String authorization = request.header("Authorization").orElse("").trim();
    if (authorization.isEmpty()) {
      return error(401, "401", NO_KEY);
    }
    String token =
        authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim()
            : "";
    Predicate<String> tokens = settings.bearerTokens();
    boolean valid = !token.isEmpty() && (!configured || (tokens != null && tokens.test(token)));
    return valid ? null : error(401, "401", BAD_TOKEN);
  }

  private static FakeResponse resourceNotFound() {
    return error(404, "404", "Resource not found");
  }

  private static FakeResponse unsupportedVersion() {
    return error(400, "BadRequest", "API version not supported");
  }

  /** Azure's own error body, {@code {"error":{"code","message"}}}, as its gateway sends it. */
  static FakeResponse error(int status, String code, String message) {
    return FakeResponse.json(
        status, Json.write(Json.object("error", Json.object("code", code, "message", message))));
  }

  /** Adds Azure's filter annotations to a chat answer of the routes or the script. */
  static FakeResponse withFilterResults(FakeResponse chat) {
    return chat.mapBody(
        chat.isEventStream() ? events -> filterStream(events, null) : json -> filter(json, null));
  }

  /** Rejects what the content-filter factories cannot describe, naming the parameter. */
  static void checkFiltered(String category, String severity) {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(severity, "severity");
    if (!SEVERITY_CATEGORIES.contains(category)) {
      throw new IllegalArgumentException(
          "category must be hate, sexual, violence or self_harm: " + category);
    }
    if (!FILTERED_SEVERITIES.contains(severity)) {
      throw new IllegalArgumentException("severity must be low, medium or high: " + severity);
    }
  }

  /**
   * Adds {@code prompt_filter_results} and per-choice {@code content_filter_results} to a {@code
   * chat.completion}: every category safe; empty for a choice without text (tool calls), as Azure
   * does. With {@code withheld}, every choice is one the filter stopped instead: finish reason
   * {@code content_filter}, no content, these results.
   */
  static String filter(String json, @Nullable Map<String, @Nullable Object> withheld) {
    Object parsed = Json.parse(json);
    if (!(parsed instanceof Map) || !"chat.completion".equals(((Map<?, ?>) parsed).get("object"))) {
      return json;
    }
    Map<String, @Nullable Object> completion = copy((Map<?, ?>) parsed);
    List<Object> choices = new ArrayList<>();
    for (Object item : (List<?>) Objects.requireNonNull(completion.get("choices"))) {
      Map<String, @Nullable Object> choice = copy((Map<?, ?>) item);
      Object message = choice.get("message");
      if (withheld != null && message instanceof Map) {
        Map<String, @Nullable Object> empty = copy((Map<?, ?>) message);
        empty.put("content", null);
        choice.put("message", empty);
        choice.put("finish_reason", "content_filter");
        choice.put("content_filter_results", withheld);
      } else {
        boolean text = message instanceof Map && ((Map<?, ?>) message).get("content") != null;
        choice.put("content_filter_results", text ? choiceResults(null, null) : Json.object());
      }
      choices.add(choice);
    }
    completion.put("choices", choices);
    completion.put("prompt_filter_results", promptFilterResults());
    return Json.write(completion);
  }

  /**
   * Puts Azure's first chunk (no choices, empty id, model and object, and the {@code
   * prompt_filter_results}) before a chat stream, and {@code content_filter_results} on every
   * choice of the chunks after it: safe categories for a chunk with text, empty otherwise. With
   * {@code withheld}, the finishing chunk says the filter stopped the answer, with these results.
   */
  static String filterStream(String events, @Nullable Map<String, @Nullable Object> withheld) {
    StringBuilder out = new StringBuilder();
    appendEvent(out, promptChunk());
    for (String event : events.split("\n\n")) {
      if (!event.startsWith("data: {")) {
        out.append(event).append("\n\n");
        continue;
      }
      Map<String, @Nullable Object> chunk = copy((Map<?, ?>) Json.parse(event.substring(6)));
      List<Object> choices = new ArrayList<>();
      for (Object item : (List<?>) Objects.requireNonNull(chunk.get("choices"))) {
        Map<String, @Nullable Object> choice = copy((Map<?, ?>) item);
        Object delta = choice.get("delta");
        Object content = delta instanceof Map ? ((Map<?, ?>) delta).get("content") : null;
        boolean text = content instanceof String && !((String) content).isEmpty();
        choice.put("content_filter_results", text ? choiceResults(null, null) : Json.object());
        if (withheld != null && choice.get("finish_reason") != null) {
          choice.put("finish_reason", "content_filter");
          choice.put("content_filter_results", withheld);
        }
        choices.add(choice);
      }
      chunk.put("choices", choices);
      appendEvent(out, chunk);
    }
    return out.toString();
  }

  /** Azure's opening chunk of every chat stream; its empty {@code object} is not in the spec. */
  static Map<String, @Nullable Object> promptChunk() {
    return Json.object(
        "choices",
        List.of(),
        "created",
        0,
        "id",
        "",
        "model",
        "",
        "object",
        "",
        "prompt_filter_results",
        promptFilterResults());
  }

  static void appendEvent(StringBuilder out, Map<String, @Nullable Object> data) {
    out.append("data: ").append(Json.write(data)).append("\n\n");
  }

  /** Adds the DALL-E filter annotations Azure puts on every generated image. */
  private static String filterImages(String json) {
    Map<String, @Nullable Object> response = copy((Map<?, ?>) Json.parse(json));
    List<Object> data = new ArrayList<>();
    for (Object item : (List<?>) Objects.requireNonNull(response.get("data"))) {
      Map<String, @Nullable Object> image = copy((Map<?, ?>) item);
      image.put("content_filter_results", severities(null, null));
      Map<String, @Nullable Object> prompt = severities(null, null);
      prompt.put("jailbreak", detected());
      prompt.put("profanity", detected());
      image.put("prompt_filter_results", prompt);
      data.add(image);
    }
    response.put("data", data);
    return Json.write(response);
  }

  static List<Object> promptFilterResults() {
    return List.of(
        Json.object("prompt_index", 0, "content_filter_results", promptResults(null, null)));
  }

  /**
   * The results on a prompt: the four severity categories and {@code jailbreak}; {@code
   * filteredCategory} (if not null) filtered at {@code severity}, the rest safe.
   */
  static Map<String, @Nullable Object> promptResults(
      @Nullable String filteredCategory, @Nullable String severity) {
    Map<String, @Nullable Object> results = severities(filteredCategory, severity);
    results.put("jailbreak", detected());
    return sorted(results);
  }

  /** The results on a choice: the four severity categories and the protected-material checks. */
  static Map<String, @Nullable Object> choiceResults(
      @Nullable String filteredCategory, @Nullable String severity) {
    Map<String, @Nullable Object> results = severities(filteredCategory, severity);
    results.put("protected_material_code", detected());
    results.put("protected_material_text", detected());
    return sorted(results);
  }

  private static Map<String, @Nullable Object> severities(
      @Nullable String filteredCategory, @Nullable String severity) {
    Map<String, @Nullable Object> results = new LinkedHashMap<>();
    for (String category : List.of("hate", "self_harm", "sexual", "violence")) {
      boolean filtered = category.equals(filteredCategory);
      results.put(
          category, Json.object("filtered", filtered, "severity", filtered ? severity : "safe"));
    }
    return results;
  }

  private static Map<String, @Nullable Object> detected() {
    return Json.object("filtered", false, "detected", false);
  }

  /** Azure writes the categories in alphabetical order. */
  private static Map<String, @Nullable Object> sorted(Map<String, @Nullable Object> results) {
    Map<String, @Nullable Object> sorted = new LinkedHashMap<>();
    results.keySet().stream().sorted().forEach(key -> sorted.put(key, results.get(key)));
    return sorted;
  }

  private static Map<String, @Nullable Object> copy(Map<?, ?> map) {
    Map<String, @Nullable Object> copy = new LinkedHashMap<>();
    map.forEach((key, value) -> copy.put((String) key, value));
    return copy;
  }

  private static String pathOf(RecordedRequest request) {
    String path = request.path();
    int query = path.indexOf('?');
    return query >= 0 ? path.substring(0, query) : path;
  }
}
