package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.OpenAiRoutes.checkRange;
import static dev.openaiconnector.testkit.OpenAiRoutes.emptyArray;
import static dev.openaiconnector.testkit.OpenAiRoutes.invalidRequest;
import static dev.openaiconnector.testkit.OpenAiRoutes.invalidType;
import static dev.openaiconnector.testkit.OpenAiRoutes.invalidValue;
import static dev.openaiconnector.testkit.OpenAiRoutes.missing;

import dev.openaiconnector.testkit.internal.FakeVectors;
import dev.openaiconnector.testkit.internal.Json;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fake server's {@code POST /v1/embeddings}: the {@link FakeVectors} of each input, as float
 * JSON by default or base64 (little-endian float32) for {@code encoding_format: base64}, with
 * OpenAI's rejections of an empty list, an empty string and more than 2048 inputs.
 */
final class EmbeddingRoutes {
  static final String EMBEDDINGS = "/v1/embeddings";
  static final int MAX_INPUTS = 2048;

  private EmbeddingRoutes() {}

  static FakeResponse embeddings(RecordedRequest request) {
    Object parsed = parseBody(request);
    if (parsed instanceof FakeResponse) {
      return (FakeResponse) parsed;
    }
    Map<?, ?> body = (Map<?, ?>) parsed;
    Object model = body.get("model");
    if (model == null) {
      return missing("model");
    }
    if (!(model instanceof String)) {
      return invalidType("model", "a string", model);
    }
    Object input = body.get("input");
    if (input == null) {
      return missing("input");
    }
    List<?> inputs = input instanceof List ? (List<?>) input : List.of(input);
    if (inputs.isEmpty()) {
      return emptyArray("input");
    }
    if (inputs.size() > MAX_INPUTS) {
      return invalidRequest(
          400,
          "Invalid 'input': array too long. Expected an array with maximum length "
              + MAX_INPUTS
              + ", but got an array with length "
              + inputs.size()
              + " instead.",
          "input",
          "array_above_max_length");
    }
    for (int i = 0; i < inputs.size(); i++) {
      Object text = inputs.get(i);
      if (!(text instanceof String)) {
        // OpenAI also takes token arrays; the fake embeds text only, and says so.
        return invalidType("input[" + i + "]", "a string (the fake server embeds text only)", text);
      }
      if (((String) text).isEmpty()) {
        return invalidRequest(
            400,
            "'$.input' is invalid: input[" + i + "] is an empty string.",
            "input",
            null);
      }
    }
    Object format = body.get("encoding_format");
    if (format != null && !"float".equals(format) && !"base64".equals(format)) {
      return invalidValue("encoding_format", format, "'float' and 'base64'");
    }
    FakeResponse badDimensions = checkRange(body, "dimensions", 1, Integer.MAX_VALUE);
    if (badDimensions != null) {
      return badDimensions;
    }
    Integer dimensions = Json.intValue(body.get("dimensions"));
    if (dimensions != null && ((String) model).startsWith("text-embedding-ada-002")) {
      return invalidRequest(
          400, "This model does not support specifying dimensions.", "dimensions", null);
    }
    Object user = body.get("user");
    if (user != null && !(user instanceof String)) {
      return invalidType("user", "a string", user);
    }
    String json =
        render(
            (String) model,
            inputs,
            dimensions == null ? FakeVectors.defaultDimensions((String) model) : dimensions,
            "base64".equals(format));
    return FakeResponse.json(200, json).withRateLimitHeaders();
  }

  /** Writes the response by hand: thousands of floats as boxed JSON values would be slow. */
  private static String render(String model, List<?> inputs, int dimensions, boolean base64) {
    StringBuilder out = new StringBuilder(inputs.size() * dimensions * (base64 ? 6 : 12));
    out.append("{\"object\":\"list\",\"data\":[");
    int tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      String text = (String) inputs.get(i);
      tokens += FakeVectors.tokens(text);
      float[] vector = FakeVectors.vector(model, text, dimensions);
      out.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i);
      out.append(",\"embedding\":");
      if (base64) {
        out.append('"').append(FakeVectors.base64(vector)).append('"');
      } else {
        out.append('[');
        for (int d = 0; d < vector.length; d++) {
          // Float.toString is the shortest text that reads back as the same float.
          out.append(d == 0 ? "" : ",").append(Float.toString(vector[d]));
        }
        out.append(']');
      }
      out.append('}');
    }
    out.append("],\"model\":").append(Json.write(model));
    out.append(",\"usage\":{\"prompt_tokens\":").append(tokens);
    out.append(",\"total_tokens\":").append(tokens).append("}}");
    return out.toString();
  }

  /** The request body as a map, or the error answer for a body that is not a JSON object. */
  static Object parseBody(RecordedRequest request) {
    Object parsed;
    try {
      parsed = Json.parse(request.body());
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
    if (!(parsed instanceof Map)) {
      return invalidRequest(
          400,
          "Invalid body: expected a JSON object, but got "
              + OpenAiRoutes.typeName(parsed)
              + ".",
          null,
          null);
    }
    return parsed;
  }

  static @Nullable String string(Map<?, ?> body, String name) {
    Object value = body.get(name);
    return value instanceof String ? (String) value : null;
  }
}
