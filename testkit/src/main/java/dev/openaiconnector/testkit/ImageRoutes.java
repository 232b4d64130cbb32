package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.OpenAiRoutes.checkRange;
import static dev.openaiconnector.testkit.OpenAiRoutes.invalidRequest;
import static dev.openaiconnector.testkit.OpenAiRoutes.invalidType;
import static dev.openaiconnector.testkit.OpenAiRoutes.invalidValue;
import static dev.openaiconnector.testkit.OpenAiRoutes.missing;

import dev.openaiconnector.testkit.internal.FakePng;
import dev.openaiconnector.testkit.internal.FakeVectors;
import dev.openaiconnector.testkit.internal.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fake server's {@code POST /v1/images/generations} and the image files it links to. Every
 * image is the same tiny PNG ({@link FakePng}), whatever the size or output format asked for.
 * {@code dall-e-*} answer with a URL the fake server itself serves (or {@code b64_json} when asked),
 * {@code dall-e-3} with a {@code revised_prompt}; {@code gpt-image-*} always with {@code b64_json},
 * {@code output_format}, {@code size}, {@code quality}, {@code background} and a usage.
 */
final class ImageRoutes {
  static final String GENERATIONS = "/v1/images/generations";
  static final String FILES = "/v1/fake-images/";

  /** A fixed epoch (2025-01-01T00:00:00Z) plus the request number keeps {@code created} stable. */
  private static final long CREATED_BASE = 1_735_689_600L;

  private static final Pattern FILE = Pattern.compile("img_fake_\\d+_\\d+\\.png");
  private static final Set<String> DALL_E_2_SIZES = Set.of("256x256", "512x512", "1024x1024");
  private static final Set<String> DALL_E_3_SIZES = Set.of("1024x1024", "1792x1024", "1024x1792");
  private static final Set<String> GPT_IMAGE_SIZES =
      Set.of("1024x1024", "1536x1024", "1024x1536", "auto");

  private ImageRoutes() {}

  static FakeResponse generations(RecordedRequest request, int sequence, URI baseUrl) {
    Object parsed = EmbeddingRoutes.parseBody(request);
    if (parsed instanceof FakeResponse) {
      return (FakeResponse) parsed;
    }
    Map<?, ?> body = (Map<?, ?>) parsed;
    Object prompt = body.get("prompt");
    if (prompt == null) {
      return missing("prompt");
    }
    if (!(prompt instanceof String)) {
      return invalidType("prompt", "a string", prompt);
    }
    if (((String) prompt).isEmpty()) {
      return invalidRequest(400, "Invalid 'prompt': empty string.", "prompt", "empty_string");
    }
    Object modelValue = body.get("model");
    if (modelValue != null && !(modelValue instanceof String)) {
      return invalidType("model", "a string", modelValue);
    }
    String model = modelValue == null ? "dall-e-2" : (String) modelValue;
    boolean gptImage = model.startsWith("gpt-image-");
    boolean dallE3 = model.equals("dall-e-3");
    FakeResponse invalid = checkRange(body, "n", 1, dallE3 ? 1 : 10);
    if (invalid != null) {
      return invalid;
    }
    Object format = body.get("response_format");
    if (format != null && gptImage) {
      return invalidRequest(
          400, "Unknown parameter: 'response_format'.", "response_format", "unknown_parameter");
    }
    if (format != null && !"url".equals(format) && !"b64_json".equals(format)) {
      return invalidValue("response_format", format, "'url' and 'b64_json'");
    }
    Object size = body.get("size");
    Set<String> sizes = gptImage ? GPT_IMAGE_SIZES : dallE3 ? DALL_E_3_SIZES : DALL_E_2_SIZES;
    if (size != null && !sizes.contains(size)) {
      return invalidValue("size", size, "'" + String.join("', '", sorted(sizes)) + "'");
    }
    Object outputFormat = body.get("output_format");
    if (outputFormat != null && !Set.of("png", "jpeg", "webp").contains(outputFormat)) {
      return invalidValue("output_format", outputFormat, "'png', 'jpeg' and 'webp'");
    }
    int n = body.get("n") == null ? 1 : Json.intValue(body.get("n"));
    boolean b64 = gptImage || "b64_json".equals(format);
    String b64Png = b64 ? Base64.getEncoder().encodeToString(FakePng.bytes()) : "";
    List<Object> data = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, @Nullable Object> image = Json.object();
      if (b64) {
        image.put("b64_json", b64Png);
      } else {
        image.put("url", baseUrl + FILES.substring(3) + "img_fake_" + sequence + "_" + i + ".png");
      }
      if (dallE3) {
        // DALL-E 3 rewrites every prompt; the fake's rewrite is recognisable and deterministic.
        image.put("revised_prompt", "A detailed rendering of: " + prompt);
      }
      data.add(image);
    }
    Map<String, @Nullable Object> answer =
        Json.object("created", CREATED_BASE + sequence, "data", data);
    if (gptImage) {
      String quality = quality(body.get("quality"));
      answer.put("background", "transparent".equals(body.get("background")) ? "transparent" : "opaque");
      answer.put("output_format", outputFormat == null ? "png" : outputFormat);
      answer.put("size", size == null || "auto".equals(size) ? "1024x1024" : size);
      answer.put("quality", quality);
      int input = FakeVectors.tokens((String) prompt);
      int output = n * imageTokens(quality);
      answer.put(
          "usage",
          Json.object(
              "input_tokens", input,
              "output_tokens", output,
              "total_tokens", input + output,
              "input_tokens_details", Json.object("text_tokens", input, "image_tokens", 0)));
    }
    return FakeResponse.json(200, Json.write(answer)).withRateLimitHeaders();
  }

  static FakeResponse file(String path) {
    if (!FILE.matcher(path.substring(FILES.length())).matches()) {
      return invalidRequest(404, "No such image (" + path + ")", null, null);
    }
    return FakeResponse.binary(200, "image/png", FakePng.bytes());
  }

  private static String quality(@Nullable Object requested) {
    return "low".equals(requested) || "high".equals(requested) ? (String) requested : "medium";
  }

  /** What OpenAI bills for one square gpt-image-1 image of that quality. */
  private static int imageTokens(String quality) {
    switch (quality) {
      case "low":
        return 272;
      case "high":
        return 4160;
      default:
        return 1056;
    }
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
