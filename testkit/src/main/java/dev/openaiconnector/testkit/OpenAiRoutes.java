package dev.openaiconnector.testkit;

import dev.openaiconnector.testkit.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The answers {@link FakeOpenAiServer} gives when nothing is scripted: deterministic functions of
 * the request, shaped like OpenAI's (checked against the official OpenAPI description in the
 * tests).
 */
final class OpenAiRoutes {
  static final String CHAT_COMPLETIONS = "/v1/chat/completions";
  static final String MODELS = "/v1/models";
  static final String DEFAULT_MODEL = "gpt-4o-mini";
  static final List<String> MODEL_IDS = List.of("gpt-4o-mini", "gpt-4o", "text-embedding-3-small");

  /** A fixed epoch (2025-01-01T00:00:00Z) plus the request number keeps {@code created} stable. */
  private static final long CREATED_BASE = 1_735_689_600L;

  private static final String FINGERPRINT = "fp_fake";
  private static final int CHARS_PER_TOKEN = 4;

  /** What OpenAI bills for a low-detail image. */
  private static final int TOKENS_PER_IMAGE = 85;

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");
  private static final String INVALID_REQUEST = "invalid_request_error";
  private static final String NO_KEY =
      "You didn't provide an API key. You need to provide your API key in an Authorization header"
          + " using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key"
          + " from https://platform.openai.com/account/api-keys.";
  // Unlike OpenAI, the key is not echoed, even masked: messages end up in exceptions and logs.
  private static final String WRONG_KEY =
      "Incorrect API key provided. You can find your API key at"
          + " https://platform.openai.com/account/api-keys.";

  private OpenAiRoutes() {}

  static FakeResponse answer(RecordedRequest request, int sequence, @Nullable String apiKey) {
    String path = request.path();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    String method = request.method();
    if (path.equals(CHAT_COMPLETIONS)) {
      if (!method.equals("POST")) {
        return methodNotAllowed(method, path, "POST");
      }
      FakeResponse unauthorized = checkKey(request, apiKey);
      return unauthorized != null ? unauthorized : chatCompletion(request, sequence);
    }
    if (path.equals(MODELS)) {
      if (!method.equals("GET")) {
        return methodNotAllowed(method, path, "GET");
      }
      FakeResponse unauthorized = checkKey(request, apiKey);
      return unauthorized != null ? unauthorized : models();
    }
    return invalidRequest(404, "Invalid URL (" + method + " " + path + ")", null, null);
  }

  static String errorBody(
      String message, String type, @Nullable String param, @Nullable String code) {
    return Json.write(
        Json.object(
            "error", Json.object("message", message, "type", type, "param", param, "code", code)));
  }

  static String scriptedCompletion(String content, RecordedRequest request, int sequence) {
    Object model = null;
    int promptTokens = 0;
    try {
      Object body = Json.parse(request.body());
      if (body instanceof Map) {
        model = ((Map<?, ?>) body).get("model");
        promptTokens = promptTokens(((Map<?, ?>) body).get("messages"));
      }
    } catch (IllegalArgumentException notJson) {
      // A scripted answer answers anything; it just cannot borrow the model or count the prompt.
    }
    String modelId = model instanceof String ? (String) model : DEFAULT_MODEL;
    return Json.write(completion(sequence, modelId, List.of(content), "stop", promptTokens));
  }

  private static FakeResponse chatCompletion(RecordedRequest request, int sequence) {
    Map<?, ?> body;
    try {
      Object parsed = Json.parse(request.body());
      if (!(parsed instanceof Map)) {
        return invalidRequest(
            400,
            "Invalid body: expected a JSON object, but got " + typeName(parsed) + ".",
            null,
            null);
      }
      body = (Map<?, ?>) parsed;
    } catch (IllegalArgumentException e) {
      return invalidRequest(
          400,
          "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload,"
              + " but what was sent was not valid JSON. ("
              + e.getMessage()
              + ")",
          null,
          null);
    }
    FakeResponse invalid = validateChatRequest(body);
    if (invalid != null) {
      return invalid;
    }
    String model = (String) body.get("model");
    List<?> messages = (List<?>) body.get("messages");
    Integer n = Json.intValue(body.get("n"));
    int choices = n == null ? 1 : n;
    Integer limit = Json.intValue(body.get("max_completion_tokens"));
    if (limit == null) {
      limit = Json.intValue(body.get("max_tokens"));
    }

    String reply = reply(messages, isJsonMode(body));
    String finishReason = "stop";
    if (limit != null && tokens(reply.length()) > limit) {
      reply = cut(reply, limit * CHARS_PER_TOKEN);
      finishReason = "length";
    }
    List<String> contents = new ArrayList<>();
    for (int i = 0; i < choices; i++) {
      contents.add(reply);
    }
    int promptTokens = promptTokens(messages);
    if (Boolean.TRUE.equals(body.get("stream"))) {
      String stream =
          stream(sequence, model, contents, finishReason, promptTokens, includeUsage(body));
      return FakeResponse.eventStream((r, s) -> stream);
    }
    String json = Json.write(completion(sequence, model, contents, finishReason, promptTokens));
    return FakeResponse.json(200, json);
  }

  /** Rejects what OpenAI rejects with a 400 naming the parameter, so that client bugs show. */
  private static @Nullable FakeResponse validateChatRequest(Map<?, ?> body) {
    if (!body.containsKey("model")) {
      return missing("model");
    }
    if (!(body.get("model") instanceof String)) {
      return invalidType("model", "a string", body.get("model"));
    }
    if (!body.containsKey("messages")) {
      return missing("messages");
    }
    if (!(body.get("messages") instanceof List)) {
      return invalidType("messages", "an array", body.get("messages"));
    }
    List<?> messages = (List<?>) body.get("messages");
    if (messages.isEmpty()) {
      return invalidRequest(
          400,
          "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an"
              + " empty array instead.",
          "messages",
          "empty_array");
    }
    for (int i = 0; i < messages.size(); i++) {
      String param = "messages[" + i + "]";
      if (!(messages.get(i) instanceof Map)) {
        return invalidType(param, "an object", messages.get(i));
      }
      Object role = ((Map<?, ?>) messages.get(i)).get("role");
      if (role == null) {
        return missing(param + ".role");
      }
      if (!ROLES.contains(role)) {
        return invalidRequest(
            400,
            "Invalid value: '"
                + role
                + "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool',"
                + " and 'developer'.",
            param + ".role",
            "invalid_value");
      }
    }
    FakeResponse invalid = checkRange(body, "n", 1, 128);
    if (invalid == null) {
      invalid = checkRange(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
    }
    if (invalid == null) {
      invalid = checkRange(body, "max_tokens", 1, Integer.MAX_VALUE);
    }
    if (invalid == null && body.get("stream") != null && !(body.get("stream") instanceof Boolean)) {
      invalid = invalidType("stream", "a boolean", body.get("stream"));
    }
    return invalid;
  }

  private static @Nullable FakeResponse checkRange(Map<?, ?> body, String name, int min, int max) {
    Object value = body.get(name);
    if (value == null) {
      return null;
    }
    Integer number = Json.intValue(value);
    if (number == null) {
      return invalidType(name, "an integer", value);
    }
    if (number < min) {
      return invalidRequest(
          400,
          "Invalid '"
              + name
              + "': integer below minimum value. Expected a value >= "
              + min
              + ", but got "
              + number
              + " instead.",
          name,
          "integer_below_min_value");
    }
    if (number > max) {
      return invalidRequest(
          400,
          "Invalid '"
              + name
              + "': integer above maximum value. Expected a value <= "
              + max
              + ", but got "
              + number
              + " instead.",
          name,
          "integer_above_max_value");
    }
    return null;
  }

  private static @Nullable FakeResponse checkKey(RecordedRequest request, @Nullable String apiKey) {
    String authorization = request.header("Authorization").orElse("").trim();
    String token =
        authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim()
            : "";
    if (token.isEmpty()) {
      return invalidRequest(401, NO_KEY, null, "invalid_api_key");
    }
    if (apiKey != null && !apiKey.equals(token)) {
      return invalidRequest(401, WRONG_KEY, null, "invalid_api_key");
    }
    return null;
  }

  private static FakeResponse models() {
    List<Object> data = new ArrayList<>();
    for (String id : MODEL_IDS) {
      data.add(
          Json.object("id", id, "object", "model", "created", CREATED_BASE, "owned_by", "system"));
    }
    return FakeResponse.json(200, Json.write(Json.object("object", "list", "data", data)));
  }

  private static Map<String, @Nullable Object> completion(
      int sequence, String model, List<String> contents, String finishReason, int promptTokens) {
    List<Object> choices = new ArrayList<>();
    int completionTokens = 0;
    for (int i = 0; i < contents.size(); i++) {
      String content = contents.get(i);
      completionTokens += tokens(content.length());
      Map<String, @Nullable Object> message = new LinkedHashMap<>();
      message.put("role", "assistant");
      message.put("content", content);
      message.put("refusal", null);
      message.put("annotations", List.of());
      Map<String, @Nullable Object> choice = new LinkedHashMap<>();
      choice.put("index", i);
      choice.put("message", message);
      choice.put("logprobs", null);
      choice.put("finish_reason", finishReason);
      choices.add(choice);
    }
    Map<String, @Nullable Object> completion = header(sequence, model, "chat.completion");
    completion.put("choices", choices);
    completion.put("usage", usage(promptTokens, completionTokens));
    return completion;
  }

  /** The fields every completion and chunk starts with. */
  private static Map<String, @Nullable Object> header(int sequence, String model, String object) {
    Map<String, @Nullable Object> header = new LinkedHashMap<>();
    header.put("id", "chatcmpl-fake-" + sequence);
    header.put("object", object);
    header.put("created", CREATED_BASE + sequence);
    header.put("model", model);
    header.put("service_tier", "default");
    header.put("system_fingerprint", FINGERPRINT);
    return header;
  }

  /**
   * Renders a streamed answer: per choice a role chunk, one chunk per word, a finish chunk; then
   * the usage chunk if asked for, then {@code [DONE]}.
   */
  private static String stream(
      int sequence,
      String model,
      List<String> contents,
      String finishReason,
      int promptTokens,
      boolean includeUsage) {
    StringBuilder events = new StringBuilder();
    int completionTokens = 0;
    for (int i = 0; i < contents.size(); i++) {
      String content = contents.get(i);
      completionTokens += tokens(content.length());
      event(
          events,
          chunk(
              sequence,
              model,
              i,
              Json.object("role", "assistant", "content", "", "refusal", null),
              null,
              includeUsage));
      for (String word : content.split("(?=\\s)")) {
        if (!word.isEmpty()) {
          event(
              events, chunk(sequence, model, i, Json.object("content", word), null, includeUsage));
        }
      }
      event(events, chunk(sequence, model, i, Json.object(), finishReason, includeUsage));
    }
    if (includeUsage) {
      Map<String, @Nullable Object> last = chunk(sequence, model, 0, Json.object(), null, false);
      last.put("choices", List.of());
      last.put("usage", usage(promptTokens, completionTokens));
      event(events, last);
    }
    events.append("data: [DONE]\n\n");
    return events.toString();
  }

  private static Map<String, @Nullable Object> chunk(
      int sequence,
      String model,
      int index,
      Map<String, @Nullable Object> delta,
      @Nullable String finishReason,
      boolean usageNull) {
    Map<String, @Nullable Object> choice = new LinkedHashMap<>();
    choice.put("index", index);
    choice.put("delta", delta);
    choice.put("logprobs", null);
    choice.put("finish_reason", finishReason);
    Map<String, @Nullable Object> chunk = header(sequence, model, "chat.completion.chunk");
    chunk.put("choices", List.of(choice));
    if (usageNull) {
      chunk.put("usage", null);
    }
    return chunk;
  }

  private static void event(StringBuilder events, Map<String, @Nullable Object> data) {
    events.append("data: ").append(Json.write(data)).append("\n\n");
  }

  private static Map<String, @Nullable Object> usage(int promptTokens, int completionTokens) {
    Map<String, @Nullable Object> completionDetails = new LinkedHashMap<>();
    completionDetails.put("reasoning_tokens", 0);
    completionDetails.put("audio_tokens", 0);
    completionDetails.put("accepted_prediction_tokens", 0);
    completionDetails.put("rejected_prediction_tokens", 0);
    Map<String, @Nullable Object> usage = new LinkedHashMap<>();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    usage.put("prompt_tokens_details", Json.object("cached_tokens", 0, "audio_tokens", 0));
    usage.put("completion_tokens_details", completionDetails);
    return usage;
  }

  /** {@code Echo: <last user text>}, noting attached images; a JSON object in JSON mode. */
  private static String reply(List<?> messages, boolean jsonMode) {
    String echo = "(no user message)";
    for (int i = messages.size() - 1; i >= 0; i--) {
      Map<?, ?> message = (Map<?, ?>) messages.get(i);
      if ("user".equals(message.get("role"))) {
        Content content = Content.of(message.get("content"));
        echo = content.text;
        if (content.images > 0) {
          String images = "[" + content.images + (content.images == 1 ? " image]" : " images]");
          echo = echo.isEmpty() ? images : echo + " " + images;
        }
        break;
      }
    }
    return jsonMode ? Json.write(Json.object("echo", echo)) : "Echo: " + echo;
  }

  private static boolean isJsonMode(Map<?, ?> body) {
    Object format = body.get("response_format");
    return format instanceof Map && "json_object".equals(((Map<?, ?>) format).get("type"));
  }

  private static boolean includeUsage(Map<?, ?> body) {
    Object options = body.get("stream_options");
    return options instanceof Map
        && Boolean.TRUE.equals(((Map<?, ?>) options).get("include_usage"));
  }

  private static int promptTokens(@Nullable Object messages) {
    if (!(messages instanceof List)) {
      return 0;
    }
    int tokens = 0;
    for (Object message : (List<?>) messages) {
      if (message instanceof Map) {
        Content content = Content.of(((Map<?, ?>) message).get("content"));
        tokens += tokens(content.text.length()) + TOKENS_PER_IMAGE * content.images;
      }
    }
    return tokens;
  }

  static int tokens(int chars) {
    return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }

  private static String cut(String text, int length) {
    int end = Math.min(length, text.length());
    if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  private static FakeResponse methodNotAllowed(String method, String path, String allowed) {
    return invalidRequest(405, "Invalid method for URL (" + method + " " + path + ")", null, null)
        .header("Allow", allowed);
  }

  private static FakeResponse missing(String param) {
    return invalidRequest(
        400, "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
  }

  private static FakeResponse invalidType(String param, String expected, @Nullable Object actual) {
    return invalidRequest(
        400,
        "Invalid type for '"
            + param
            + "': expected "
            + expected
            + ", but got "
            + typeName(actual)
            + " instead.",
        param,
        "invalid_type");
  }

  private static FakeResponse invalidRequest(
      int status, String message, @Nullable String param, @Nullable String code) {
    String body = errorBody(message, INVALID_REQUEST, param, code);
    return FakeResponse.json(status, body);
  }

  private static String typeName(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return Json.intValue(value) != null ? "an integer" : "a number";
  }

  /** The text and the image count of a message's {@code content}: a string or a list of parts. */
  private static final class Content {
    final String text;
    final int images;

    private Content(String text, int images) {
      this.text = text;
      this.images = images;
    }

    static Content of(@Nullable Object content) {
      if (content instanceof String) {
        return new Content((String) content, 0);
      }
      if (!(content instanceof List)) {
        return new Content("", 0);
      }
      List<String> texts = new ArrayList<>();
      int images = 0;
      for (Object part : (List<?>) content) {
        if (part instanceof Map) {
          Map<?, ?> map = (Map<?, ?>) part;
          if ("text".equals(map.get("type")) && map.get("text") instanceof String) {
            texts.add((String) map.get("text"));
          } else if ("image_url".equals(map.get("type"))) {
            images++;
          }
        }
      }
      return new Content(String.join(" ", texts), images);
    }
  }
}
