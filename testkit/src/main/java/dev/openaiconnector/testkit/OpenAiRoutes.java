package dev.openaiconnector.testkit;

import dev.openaiconnector.testkit.internal.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The answers {@link FakeOpenAiServer} gives when nothing is scripted: deterministic functions of
 * the request, shaped like OpenAI's (checked against the official OpenAPI description in the
 * tests). The public rules are in {@link FakeOpenAiServer}'s Javadoc; in short, a chat completion
 * is, in this order of precedence:
 *
 * <ol>
 *   <li>tool calls, when the last message is a {@code user} message, {@code tools} is given and
 *       {@code tool_choice} is not {@code "none"}: a call to the named tool, else one call per tool
 *       (per allowed tool for {@code allowed_tools}) in {@code tools} order, or only the first when
 *       {@code parallel_tool_calls} is false. Ids are {@code call_fake_<request>_<index>};
 *       arguments are {@link SchemaSamples} of the tool's {@code parameters};
 *   <li>a {@code json_schema} response format: the {@link SchemaSamples} of its schema as JSON;
 *   <li>else an echo: of the tool results when the conversation ends with {@code tool} messages
 *       ({@code Echo: tool results: <a>; <b>}), else of the last user message; as {@code {"echo":
 *       ...}} in JSON mode.
 * </ol>
 *
 * <p>Tool definitions, {@code tool_choice}, {@code parallel_tool_calls}, {@code response_format}
 * and the pairing of tool calls with tool messages are checked first, so a schema that cannot be
 * sampled is a {@code 400} even when the tool is not called.
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

  /** Streamed tool-call arguments come in pieces this long, so that clients must join them. */
  private static final int ARGUMENTS_PIECE = 8;

  /** OpenAI's rule for function and response-format names. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]+");

  private static final int MAX_NAME_LENGTH = 64;
  private static final String FUNCTION_ONLY =
      "'function' (the fake server has function tools only)";
  private static final Set<String> FORMAT_TYPES = Set.of("text", "json_object", "json_schema");

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

  static FakeResponse answer(
      RecordedRequest request,
      int sequence,
      KeyCheck keys,
      int streamChunkLength,
      java.net.URI baseUrl) {
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
      FakeResponse unauthorized = checkKey(request, keys);
      return unauthorized != null
          ? unauthorized
          : chatCompletion(request, sequence, streamChunkLength);
    }
    if (path.equals(EmbeddingRoutes.EMBEDDINGS) || path.equals(ImageRoutes.GENERATIONS)) {
      if (!method.equals("POST")) {
        return methodNotAllowed(method, path, "POST");
      }
      FakeResponse unauthorized = checkKey(request, keys);
      if (unauthorized != null) {
        return unauthorized;
      }
      return path.equals(EmbeddingRoutes.EMBEDDINGS)
          ? EmbeddingRoutes.embeddings(request)
          : ImageRoutes.generations(request, sequence, baseUrl);
    }
    if (path.startsWith(ImageRoutes.FILES) && method.equals("GET")) {
      // Like OpenAI's image URLs, which are signed links: no key needed.
      return ImageRoutes.file(path);
    }
    if (path.equals(MODELS)) {
      if (!method.equals("GET")) {
        return methodNotAllowed(method, path, "GET");
      }
      FakeResponse unauthorized = checkKey(request, keys);
      return unauthorized != null ? unauthorized : models();
    }
    if (path.startsWith(MODELS + "/") && path.length() > MODELS.length() + 1) {
      if (!method.equals("GET")) {
        return methodNotAllowed(method, path, "GET");
      }
      FakeResponse unauthorized = checkKey(request, keys);
      return unauthorized != null
          ? unauthorized
          : model(decodePath(path.substring(MODELS.length() + 1)));
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

  /** The id of every chunk of {@link FakeResponse#streamedChatCompletion}. */
  static final String SCRIPTED_STREAM_ID = "chatcmpl-fake-stream";

  /**
   * Renders the events of {@link FakeResponse#streamedChatCompletion}, without {@code [DONE]}:
   * role chunk, content in pieces of {@code chunkLength}, finish chunk, usage chunk.
   */
  static String scriptedStream(
      String content, int chunkLength, RecordedRequest request, int sequence) {
    int promptTokens = 0;
    try {
      Object body = Json.parse(request.body());
      if (body instanceof Map) {
        promptTokens = promptTokens(((Map<?, ?>) body).get("messages"));
      }
    } catch (IllegalArgumentException notJson) {
      // A scripted answer answers anything; it just cannot count the prompt.
    }
    StringBuilder events = new StringBuilder();
    Map<String, @Nullable Object> role =
        Json.object("role", "assistant", "content", "", "refusal", null);
    event(events, scriptedChunk(sequence, role, null));
    for (String piece : pieces(content, chunkLength)) {
      event(events, scriptedChunk(sequence, Json.object("content", piece), null));
    }
    event(events, scriptedChunk(sequence, Json.object(), "stop"));
    Map<String, @Nullable Object> last = scriptedChunk(sequence, Json.object(), null);
    last.put("choices", List.of());
    last.put("usage", usage(promptTokens, tokens(content.length())));
    event(events, last);
    return events.toString();
  }

  private static Map<String, @Nullable Object> scriptedChunk(
      int sequence, Map<String, @Nullable Object> delta, @Nullable String finishReason) {
    Map<String, @Nullable Object> chunk =
        chunk(sequence, DEFAULT_MODEL, 0, delta, finishReason, true);
    chunk.put("id", SCRIPTED_STREAM_ID);
    return chunk;
  }

  static FakeResponse chatCompletion(RecordedRequest request, int sequence, int streamChunkLength) {
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
    List<FunctionTool> chosen;
    @Nullable String structured;
    try {
      chosen = chosenTools(body, functionTools(body.get("tools")));
      structured = structuredContent(body.get("response_format"));
    } catch (Rejected e) {
      return e.response;
    }
    String model = (String) body.get("model");
    List<?> messages = (List<?>) body.get("messages");
    Integer n = Json.intValue(body.get("n"));
    int choices = n == null ? 1 : n;
    Integer limit = Json.intValue(body.get("max_completion_tokens"));
    if (limit == null) {
      limit = Json.intValue(body.get("max_tokens"));
    }

    int promptTokens = promptTokens(messages);
    boolean streamed = Boolean.TRUE.equals(body.get("stream"));
    if (!chosen.isEmpty() && "user".equals(role(messages, messages.size() - 1))) {
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < chosen.size(); i++) {
        FunctionTool tool = chosen.get(i);
        calls.add(new Call("call_fake_" + sequence + "_" + i, tool.name(), tool.arguments()));
      }
      if (streamed) {
        String events =
            toolCallStream(sequence, model, choices, calls, promptTokens, includeUsage(body));
        return FakeResponse.eventStream((r, s) -> events).withRateLimitHeaders();
      }
      String json = Json.write(toolCallCompletion(sequence, model, choices, calls, promptTokens));
      return FakeResponse.json(200, json).withRateLimitHeaders();
    }

    String reply = structured != null ? structured : reply(messages, isJsonMode(body));
    String finishReason = "stop";
    if (limit != null && tokens(reply.length()) > limit) {
      reply = cut(reply, limit * CHARS_PER_TOKEN);
      finishReason = "length";
    }
    List<String> contents = new ArrayList<>();
    for (int i = 0; i < choices; i++) {
      contents.add(reply);
    }
    if (streamed) {
      String events =
          stream(
              sequence,
              model,
              contents,
              finishReason,
              promptTokens,
              includeUsage(body),
              streamChunkLength);
      return FakeResponse.eventStream((r, s) -> events).withRateLimitHeaders();
    }
    String json = Json.write(completion(sequence, model, contents, finishReason, promptTokens));
    return FakeResponse.json(200, json).withRateLimitHeaders();
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
      return emptyArray("messages");
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
        return invalidValue(
            param + ".role",
            role,
            "'system', 'assistant', 'user', 'function', 'tool', and 'developer'");
      }
    }
    FakeResponse invalid = checkToolMessages(messages);
    if (invalid == null) {
      invalid = checkRange(body, "n", 1, 128);
    }
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

  static @Nullable FakeResponse checkRange(Map<?, ?> body, String name, int min, int max) {
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

  /**
   * Tool messages must answer the calls of the assistant message right before them (tool messages
   * in between allowed), and every call must be answered, as OpenAI checks.
   */
  private static @Nullable FakeResponse checkToolMessages(List<?> messages) {
    for (int i = 0; i < messages.size(); i++) {
      Map<?, ?> message = (Map<?, ?>) messages.get(i);
      String param = "messages[" + i + "]";
      if ("tool".equals(message.get("role"))) {
        Object id = message.get("tool_call_id");
        if (id == null) {
          return missing(param + ".tool_call_id");
        }
        if (!(id instanceof String)) {
          return invalidType(param + ".tool_call_id", "a string", id);
        }
        int caller = i - 1;
        while (caller >= 0 && "tool".equals(role(messages, caller))) {
          caller--;
        }
        if (caller < 0 || !toolCallIds((Map<?, ?>) messages.get(caller)).contains(id)) {
          return invalidRequest(
              400,
              "Invalid parameter: messages with role 'tool' must be a response to a preceding"
                  + " message with 'tool_calls'.",
              param + ".role",
              null);
        }
      } else if ("assistant".equals(message.get("role"))) {
        Set<String> unanswered = toolCallIds(message);
        for (int j = i + 1; j < messages.size() && "tool".equals(role(messages, j)); j++) {
          unanswered.remove(((Map<?, ?>) messages.get(j)).get("tool_call_id"));
        }
        if (!unanswered.isEmpty()) {
          return invalidRequest(
              400,
              "An assistant message with 'tool_calls' must be followed by tool messages responding"
                  + " to each 'tool_call_id'. The following tool_call_ids did not have response"
                  + " messages: "
                  + String.join(", ", unanswered),
              param + ".tool_calls",
              null);
        }
      }
    }
    return null;
  }

  private static Set<String> toolCallIds(Map<?, ?> message) {
    Set<String> ids = new LinkedHashSet<>();
    Object calls = message.get("tool_calls");
    if ("assistant".equals(message.get("role")) && calls instanceof List) {
      for (Object call : (List<?>) calls) {
        if (call instanceof Map && ((Map<?, ?>) call).get("id") instanceof String) {
          ids.add((String) ((Map<?, ?>) call).get("id"));
        }
      }
    }
    return ids;
  }

  private static @Nullable Object role(List<?> messages, int index) {
    return ((Map<?, ?>) messages.get(index)).get("role");
  }

  /** The request's function tools, each with the sample arguments its schema gives. */
  private static List<FunctionTool> functionTools(@Nullable Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List)) {
      throw new Rejected(invalidType("tools", "an array", value));
    }
    List<?> list = (List<?>) value;
    if (list.isEmpty()) {
      throw new Rejected(emptyArray("tools"));
    }
    List<FunctionTool> tools = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String param = "tools[" + i + "]";
      Map<?, ?> tool = object(list.get(i), param);
      Object type = tool.get("type");
      if (type == null) {
        throw new Rejected(missing(param + ".type"));
      }
      if (!"function".equals(type)) {
        // OpenAI also has custom (free-form) tools; the fake answers function tools only.
        throw new Rejected(invalidValue(param + ".type", type, FUNCTION_ONLY));
      }
      Map<?, ?> function = object(tool.get("function"), param + ".function");
      String name = name(function.get("name"), param + ".function.name");
      boolean strict = strict(function.get("strict"), param + ".function.strict");
      Object parameters = function.get("parameters");
      String arguments = "{}";
      if (parameters != null) {
        Map<?, ?> schema = object(parameters, param + ".function.parameters");
        if (!schema.isEmpty()) {
          Object sample = sample(schema, strict, "function '" + name + "'", param);
          if (!(sample instanceof Map)) {
            throw new Rejected(
                invalidRequest(
                    400,
                    "Invalid schema for function '"
                        + name
                        + "': schema must be a JSON Schema of 'type: \"object\"'.",
                    param + ".function.parameters",
                    "invalid_function_parameters"));
          }
          arguments = Json.write(sample);
        }
      }
      tools.add(new FunctionTool(name, arguments));
    }
    return tools;
  }

  /**
   * The tools the fake calls when the conversation ends with a user message: the named one; else
   * every tool (or every allowed one) in {@code tools} order, only the first one without parallel
   * calls; none for {@code "none"}.
   */
  private static List<FunctionTool> chosenTools(Map<?, ?> body, List<FunctionTool> tools) {
    Object parallel = body.get("parallel_tool_calls");
    if (parallel != null && !(parallel instanceof Boolean)) {
      throw new Rejected(invalidType("parallel_tool_calls", "a boolean", parallel));
    }
    Object choice = body.get("tool_choice");
    List<FunctionTool> candidates = tools;
    if ("none".equals(choice)) {
      return List.of();
    } else if (choice instanceof String) {
      if (!choice.equals("auto") && !choice.equals("required")) {
        throw new Rejected(invalidValue("tool_choice", choice, "'none', 'auto' and 'required'"));
      }
    } else if (choice instanceof Map) {
      Map<?, ?> named = (Map<?, ?>) choice;
      Object type = named.get("type");
      if (type == null) {
        throw new Rejected(missing("tool_choice.type"));
      }
      if (type.equals("function")) {
        Map<?, ?> function = object(named.get("function"), "tool_choice.function");
        String name = name(function.get("name"), "tool_choice.function.name");
        return List.of(find(tools, name, "tool_choice.function.name"));
      }
      if (!type.equals("allowed_tools")) {
        throw new Rejected(
            invalidValue("tool_choice.type", type, "'function' and 'allowed_tools'"));
      }
      Map<?, ?> allowed = object(named.get("allowed_tools"), "tool_choice.allowed_tools");
      Object mode = allowed.get("mode");
      if (!"auto".equals(mode) && !"required".equals(mode)) {
        throw new Rejected(
            mode == null
                ? missing("tool_choice.allowed_tools.mode")
                : invalidValue("tool_choice.allowed_tools.mode", mode, "'auto' and 'required'"));
      }
      Object listed = allowed.get("tools");
      if (!(listed instanceof List)) {
        throw new Rejected(
            listed == null
                ? missing("tool_choice.allowed_tools.tools")
                : invalidType("tool_choice.allowed_tools.tools", "an array", listed));
      }
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < ((List<?>) listed).size(); i++) {
        String param = "tool_choice.allowed_tools.tools[" + i + "]";
        Map<?, ?> entry = object(((List<?>) listed).get(i), param);
        if (!"function".equals(entry.get("type"))) {
          throw new Rejected(invalidValue(param + ".type", entry.get("type"), FUNCTION_ONLY));
        }
        Map<?, ?> function = object(entry.get("function"), param + ".function");
        names.add(find(tools, name(function.get("name"), param + ".function.name"), param).name());
      }
      candidates = new ArrayList<>();
      for (FunctionTool tool : tools) {
        if (names.contains(tool.name())) {
          candidates.add(tool);
        }
      }
    } else if (choice != null) {
      throw new Rejected(invalidType("tool_choice", "a string or an object", choice));
    }
    return Boolean.FALSE.equals(parallel) && candidates.size() > 1
        ? candidates.subList(0, 1)
        : candidates;
  }

  private static FunctionTool find(List<FunctionTool> tools, String name, String param) {
    for (FunctionTool tool : tools) {
      if (tool.name().equals(name)) {
        return tool;
      }
    }
    throw new Rejected(
        invalidRequest(
            400,
            "Invalid value for '" + param + "': no function named '" + name + "' in 'tools'.",
            param,
            "invalid_value"));
  }

  /** The content a {@code json_schema} response format asks for; null for text and JSON mode. */
  private static @Nullable String structuredContent(@Nullable Object format) {
    if (format == null) {
      return null;
    }
    Map<?, ?> map = object(format, "response_format");
    Object type = map.get("type");
    if (type == null) {
      throw new Rejected(missing("response_format.type"));
    }
    if (!FORMAT_TYPES.contains(type)) {
      throw new Rejected(
          invalidValue("response_format.type", type, "'text', 'json_object' and 'json_schema'"));
    }
    if (!type.equals("json_schema")) {
      return null;
    }
    String param = "response_format.json_schema";
    if (map.get("json_schema") == null) {
      throw new Rejected(missing(param));
    }
    Map<?, ?> jsonSchema = object(map.get("json_schema"), param);
    String name = name(jsonSchema.get("name"), param + ".name");
    boolean strict = strict(jsonSchema.get("strict"), param + ".strict");
    if (jsonSchema.get("schema") == null) {
      throw new Rejected(missing(param + ".schema"));
    }
    Map<?, ?> schema = object(jsonSchema.get("schema"), param + ".schema");
    return Json.write(sample(schema, strict, "response_format '" + name + "'", param));
  }

  private static @Nullable Object sample(
      Map<?, ?> schema, boolean strict, String owner, String param) {
    try {
      return SchemaSamples.sample(schema, strict);
    } catch (IllegalArgumentException e) {
      boolean function = param.startsWith("tools");
      throw new Rejected(
          invalidRequest(
              400,
              "Invalid schema for " + owner + ": " + e.getMessage(),
              function ? param + ".function.parameters" : param + ".schema",
              function ? "invalid_function_parameters" : "invalid_json_schema"));
    }
  }

  private static Map<?, ?> object(@Nullable Object value, String param) {
    if (value == null) {
      throw new Rejected(missing(param));
    }
    if (!(value instanceof Map)) {
      throw new Rejected(invalidType(param, "an object", value));
    }
    return (Map<?, ?>) value;
  }

  private static String name(@Nullable Object value, String param) {
    if (value == null) {
      throw new Rejected(missing(param));
    }
    if (!(value instanceof String)) {
      throw new Rejected(invalidType(param, "a string", value));
    }
    String name = (String) value;
    if (name.length() > MAX_NAME_LENGTH) {
      throw new Rejected(
          invalidRequest(
              400,
              "Invalid '"
                  + param
                  + "': string too long. Expected a string with maximum length "
                  + MAX_NAME_LENGTH
                  + ", but got a string with length "
                  + name.length()
                  + " instead.",
              param,
              "string_above_max_length"));
    }
    if (!NAME.matcher(name).matches()) {
      throw new Rejected(
          invalidRequest(
              400,
              "Invalid '"
                  + param
                  + "': string does not match pattern. Expected a string that matches the"
                  + " pattern '^[a-zA-Z0-9_-]+$'.",
              param,
              "invalid_value"));
    }
    return name;
  }

  private static boolean strict(@Nullable Object value, String param) {
    if (value != null && !(value instanceof Boolean)) {
      throw new Rejected(invalidType(param, "a boolean", value));
    }
    return Boolean.TRUE.equals(value);
  }

  /**
   * Where requests carry their key and which key they must carry.
   *
   * @param header the header, {@code Authorization} by default
   * @param prefix what precedes the key in it, {@code Bearer } by default; may be empty
   * @param key the only key accepted, or null for any non-blank one
   */
  record KeyCheck(String header, String prefix, @Nullable String key) {
    static final KeyCheck BEARER_ANY = new KeyCheck("Authorization", "Bearer ", null);

    KeyCheck withKey(String key) {
      return new KeyCheck(header, prefix, key);
    }
  }

  static @Nullable FakeResponse checkKey(RecordedRequest request, KeyCheck keys) {
    String value = request.header(keys.header()).orElse("").trim();
    int prefix = keys.prefix().length();
    String token =
        value.regionMatches(true, 0, keys.prefix(), 0, prefix)
            ? value.substring(prefix).trim()
            : "";
    if (token.isEmpty()) {
      String missing =
          keys.header().equalsIgnoreCase("Authorization")
              ? NO_KEY
              : "You didn't provide an API key. Provide it in the " + keys.header() + " header.";
      return invalidRequest(401, missing, null, "invalid_api_key");
    }
    if (keys.key() != null && !keys.key().equals(token)) {
      return invalidRequest(401, WRONG_KEY, null, "invalid_api_key");
    }
    return null;
  }

  private static FakeResponse models() {
    List<Object> data = new ArrayList<>();
    for (String id : MODEL_IDS) {
      data.add(modelObject(id));
    }
    return FakeResponse.json(200, Json.write(Json.object("object", "list", "data", data)));
  }

  /** {@code GET /v1/models/{model}}: a listed model as in the list, else OpenAI's 404. */
  private static FakeResponse model(String id) {
    if (!MODEL_IDS.contains(id)) {
      return invalidRequest(
          404, "The model '" + id + "' does not exist", "model", "model_not_found");
    }
    return FakeResponse.json(200, Json.write(modelObject(id)));
  }

  private static Map<String, @Nullable Object> modelObject(String id) {
    return Json.object("id", id, "object", "model", "created", CREATED_BASE, "owned_by", "system");
  }

  /**
   * Decodes the percent escapes of a path segment, as clients escape a fine-tuned model's colons
   * ({@code ft%3Agpt-4o-mini...}); {@code +} stays a plus, unlike in a query.
   */
  private static String decodePath(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    try {
      return new URI("http://h/" + raw).getPath().substring(1);
    } catch (URISyntaxException malformed) {
      return raw;
    }
  }

  private static Map<String, @Nullable Object> completion(
      int sequence, String model, List<String> contents, String finishReason, int promptTokens) {
    List<Object> choices = new ArrayList<>();
    int completionTokens = 0;
    for (int i = 0; i < contents.size(); i++) {
      String content = contents.get(i);
      completionTokens += tokens(content.length());
      choices.add(choice(i, message(content, List.of()), finishReason));
    }
    Map<String, @Nullable Object> completion = header(sequence, model, "chat.completion");
    completion.put("choices", choices);
    completion.put("usage", usage(promptTokens, completionTokens));
    return completion;
  }

  /** A completion whose choices have no content, only the same tool calls. */
  private static Map<String, @Nullable Object> toolCallCompletion(
      int sequence, String model, int choices, List<Call> calls, int promptTokens) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < choices; i++) {
      list.add(choice(i, message(null, calls), "tool_calls"));
    }
    Map<String, @Nullable Object> completion = header(sequence, model, "chat.completion");
    completion.put("choices", list);
    completion.put("usage", usage(promptTokens, choices * tokens(calls)));
    return completion;
  }

  private static Map<String, @Nullable Object> message(@Nullable String content, List<Call> calls) {
    Map<String, @Nullable Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", content);
    message.put("refusal", null);
    if (!calls.isEmpty()) {
      List<Object> toolCalls = new ArrayList<>();
      for (Call call : calls) {
        toolCalls.add(
            Json.object(
                "id",
                call.id(),
                "type",
                "function",
                "function",
                Json.object("name", call.name(), "arguments", call.arguments())));
      }
      message.put("tool_calls", toolCalls);
    }
    message.put("annotations", List.of());
    return message;
  }

  private static Map<String, @Nullable Object> choice(
      int index, Map<String, @Nullable Object> message, String finishReason) {
    Map<String, @Nullable Object> choice = new LinkedHashMap<>();
    choice.put("index", index);
    choice.put("message", message);
    choice.put("logprobs", null);
    choice.put("finish_reason", finishReason);
    return choice;
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
   * Renders a streamed answer: per choice a role chunk, one chunk per word (or per {@code
   * chunkLength} characters when positive), a finish chunk; then the usage chunk if asked for,
   * then {@code [DONE]}.
   */
  private static String stream(
      int sequence,
      String model,
      List<String> contents,
      String finishReason,
      int promptTokens,
      boolean includeUsage,
      int chunkLength) {
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
      List<String> pieces =
          chunkLength > 0 ? pieces(content, chunkLength) : List.of(content.split("(?=\\s)"));
      for (String piece : pieces) {
        if (!piece.isEmpty()) {
          event(
              events, chunk(sequence, model, i, Json.object("content", piece), null, includeUsage));
        }
      }
      event(events, chunk(sequence, model, i, Json.object(), finishReason, includeUsage));
    }
    return end(events, sequence, model, promptTokens, completionTokens, includeUsage);
  }

  /**
   * Renders streamed tool calls: per choice a role chunk; per call a chunk with its id, type, name
   * and empty arguments, then the arguments in pieces of {@value #ARGUMENTS_PIECE} characters; a
   * finish chunk; then the usage chunk if asked for, then {@code [DONE]}.
   */
  private static String toolCallStream(
      int sequence,
      String model,
      int choices,
      List<Call> calls,
      int promptTokens,
      boolean includeUsage) {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < choices; i++) {
      Map<String, @Nullable Object> role =
          Json.object("role", "assistant", "content", null, "refusal", null);
      event(events, chunk(sequence, model, i, role, null, includeUsage));
      for (int c = 0; c < calls.size(); c++) {
        Call call = calls.get(c);
        Map<String, @Nullable Object> start =
            Json.object(
                "index",
                c,
                "id",
                call.id(),
                "type",
                "function",
                "function",
                Json.object("name", call.name(), "arguments", ""));
        event(
            events,
            chunk(
                sequence, model, i, Json.object("tool_calls", List.of(start)), null, includeUsage));
        for (String piece : pieces(call.arguments())) {
          Map<String, @Nullable Object> more =
              Json.object("index", c, "function", Json.object("arguments", piece));
          event(
              events,
              chunk(
                  sequence,
                  model,
                  i,
                  Json.object("tool_calls", List.of(more)),
                  null,
                  includeUsage));
        }
      }
      event(events, chunk(sequence, model, i, Json.object(), "tool_calls", includeUsage));
    }
    return end(events, sequence, model, promptTokens, choices * tokens(calls), includeUsage);
  }

  private static List<String> pieces(String text) {
    return pieces(text, ARGUMENTS_PIECE);
  }

  /** Cuts {@code text} in pieces of {@code length} characters, never inside a surrogate pair. */
  static List<String> pieces(String text, int length) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(start + length, text.length());
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end++;
      }
      pieces.add(text.substring(start, end));
      start = end;
    }
    return pieces;
  }

  /** Appends the usage chunk if asked for and {@code [DONE]}; returns the whole stream. */
  private static String end(
      StringBuilder events,
      int sequence,
      String model,
      int promptTokens,
      int completionTokens,
      boolean includeUsage) {
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

  /**
   * {@code Echo: tool results: <a>; <b>} when the conversation ends with tool messages, else {@code
   * Echo: <last user text>}, noting attached images; a JSON object {@code {"echo": ...}} in JSON
   * mode.
   */
  private static String reply(List<?> messages, boolean jsonMode) {
    String results = toolResults(messages);
    String echo = results != null ? results : lastUserText(messages);
    return jsonMode ? Json.write(Json.object("echo", echo)) : "Echo: " + echo;
  }

  private static @Nullable String toolResults(List<?> messages) {
    int first = messages.size();
    while (first > 0 && "tool".equals(role(messages, first - 1))) {
      first--;
    }
    if (first == messages.size()) {
      return null;
    }
    List<String> results = new ArrayList<>();
    for (Object message : messages.subList(first, messages.size())) {
      results.add(Content.of(((Map<?, ?>) message).get("content")).text);
    }
    return "tool results: " + String.join("; ", results);
  }

  private static String lastUserText(List<?> messages) {
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
    return echo;
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

  /** The completion tokens of one choice's tool calls: their names and arguments. */
  private static int tokens(List<Call> calls) {
    int tokens = 0;
    for (Call call : calls) {
      tokens += tokens(call.name().length() + call.arguments().length());
    }
    return tokens;
  }

  private static String cut(String text, int length) {
    int end = Math.min(length, text.length());
    if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  static FakeResponse methodNotAllowed(String method, String path, String allowed) {
    return invalidRequest(405, "Invalid method for URL (" + method + " " + path + ")", null, null)
        .header("Allow", allowed);
  }

  static FakeResponse emptyArray(String param) {
    return invalidRequest(
        400,
        "Invalid '"
            + param
            + "': empty array. Expected an array with minimum length 1, but got an empty array"
            + " instead.",
        param,
        "empty_array");
  }

  static FakeResponse invalidValue(
      String param, @Nullable Object value, String supportedValues) {
    return invalidRequest(
        400,
        "Invalid value: '" + value + "'. Supported values are: " + supportedValues + ".",
        param,
        "invalid_value");
  }

  static FakeResponse missing(String param) {
    return invalidRequest(
        400, "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
  }

  static FakeResponse invalidType(String param, String expected, @Nullable Object actual) {
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

  static FakeResponse invalidRequest(
      int status, String message, @Nullable String param, @Nullable String code) {
    String body = errorBody(message, INVALID_REQUEST, param, code);
    return FakeResponse.json(status, body);
  }

  static String typeName(@Nullable Object value) {
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

  /** A function tool of the request: its name and the sample arguments of its parameters. */
  private record FunctionTool(String name, String arguments) {}

  /** A tool call of the answer. */
  private record Call(String id, String name, String arguments) {}

  /** Ends the checks of a request with this error answer. */
  private static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient FakeResponse response;

    Rejected(FakeResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
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
