package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.openai.Endpoints;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.ImagesPort;
import feign.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The image generation port over the OpenAI wire protocol: one HTTP call, errors mapped. The
 * response is read with Jackson's streaming parser, so that a {@code b64_json} image of several
 * megabytes is decoded straight from the body into its bytes, never held as a {@code String}.
 * The MIME type comes from the response's {@code output_format}, else the request's, else PNG.
 * Thread-safe.
 */
public final class OpenAiImagesPort implements ImagesPort {
  private static final String WHAT = "The image generation response";

  private final OpenAiHttpApi api;
  private final Endpoints endpoints;
  private final Sender sender;
  private final JsonFactory json;
  private final HttpFailures failures;
  private final WireLog wireLog;

  /**
   * Creates the port.
   *
   * @param api the REST operations
   * @param endpoints where each call goes, and the body's model
   * @param sender sends each call
   * @param json the factory of the wire mapper, for streaming parsers
   * @param failures the error mapping
   * @param wireLog the wire log
   */
  public OpenAiImagesPort(
      OpenAiHttpApi api,
      Endpoints endpoints,
      Sender sender,
      JsonFactory json,
      HttpFailures failures,
      WireLog wireLog) {
    this.api = api;
    this.endpoints = endpoints;
    this.sender = sender;
    this.json = json;
    this.failures = failures;
    this.wireLog = wireLog;
  }

  @Override
  public ImageResponse generate(ImageRequest request, Deadline deadline) {
    ImageRequest.Format format = request.responseFormat();
    ImageRequestDto body =
        new ImageRequestDto(
            endpoints.bodyModel(Operation.IMAGES, request.model()),
            request.prompt(),
            request.n(),
            request.size(),
            request.quality(),
            request.style(),
            format == null ? null : format.wireValue(),
            request.background(),
            request.outputFormat(),
            request.endUserId());
    URI url = endpoints.uri(Operation.IMAGES, request.model());
    Response response = sender.send(deadline, options -> api.createImages(url, body, options));
    try (response) {
      int status = response.status();
      DeadlineClient.ReceivedBody received = DeadlineClient.received(response);
      byte[] bytes = failures.readAll(response);
      wireLog.response(status, bytes);
      if (status >= 400) {
        throw failures.toException(status, received.headers(), bytes);
      }
      ErrorDetails details = received.details();
      try {
        return decode(bytes, request.outputFormat(), details.requestId());
      } catch (IOException e) {
        throw failures.unreadable(WHAT, e, bytes.length, details);
      } catch (Malformed e) {
        throw new UnexpectedResponseException(WHAT + " " + e.getMessage(), details, null);
      }
    }
  }

  /** An image as read, before the MIME type is known: it may come after the data. */
  private record Item(@Nullable URI url, byte @Nullable [] bytes, @Nullable String revisedPrompt) {}

  private ImageResponse decode(byte[] body, @Nullable String requestedFormat, @Nullable String requestId)
      throws IOException, Malformed {
    List<Item> items = null;
    String outputFormat = null;
    TokenUsage usage = TokenUsage.ZERO;
    try (JsonParser parser = json.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new Malformed("is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("data".equals(name) && value == JsonToken.START_ARRAY) {
          items = readItems(parser);
        } else if ("output_format".equals(name) && value == JsonToken.VALUE_STRING) {
          outputFormat = parser.getText();
        } else if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          usage = readUsage(parser);
        } else {
          parser.skipChildren();
        }
      }
    }
    if (items == null || items.isEmpty()) {
      throw new Malformed("has no images");
    }
    String mimeType = mimeType(outputFormat != null ? outputFormat : requestedFormat);
    List<GeneratedImage> images = new ArrayList<>(items.size());
    for (Item item : items) {
      URI url = item.url();
      byte[] bytes = item.bytes();
      images.add(
          bytes != null
              ? GeneratedImage.ofBytes(bytes, mimeType, item.revisedPrompt())
              : GeneratedImage.ofUrl(url, mimeType, item.revisedPrompt()));
    }
    return new ImageResponse(images, usage, requestId);
  }

  private static List<Item> readItems(JsonParser parser) throws IOException, Malformed {
    List<Item> items = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
      URI url = null;
      byte[] bytes = null;
      String revisedPrompt = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && "b64_json".equals(name)) {
          // Decoded from the body's bytes by Jackson: no String of megabytes in between.
          try {
            bytes = parser.getBinaryValue();
          } catch (IllegalArgumentException e) {
            // Jackson reports a bad base64 character this way, quoting it: left out.
            throw new Malformed("has an image whose b64_json is not valid base64");
          }
        } else if (value == JsonToken.VALUE_STRING && "url".equals(name)) {
          url = uri(parser.getText());
        } else if (value == JsonToken.VALUE_STRING && "revised_prompt".equals(name)) {
          revisedPrompt = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
      if ((bytes == null || bytes.length == 0) && url == null) {
        throw new Malformed("has an image with neither a url nor b64_json");
      }
      items.add(new Item(url, bytes != null && bytes.length > 0 ? bytes : null, revisedPrompt));
    }
    if (token != JsonToken.END_ARRAY) {
      throw new Malformed("has an image that is not an object");
    }
    return items;
  }

  private static URI uri(String text) throws Malformed {
    try {
      URI uri = new URI(text);
      if (!uri.isAbsolute()) {
        throw new Malformed("has an image url that is not absolute");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new Malformed("has an image url that is not a URL");
    }
  }

  /** gpt-image-1's usage: input tokens are the prompt's, output tokens the images'. */
  private static TokenUsage readUsage(JsonParser parser) throws IOException, Malformed {
    long input = 0;
    long output = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.VALUE_NUMBER_INT && "input_tokens".equals(name)) {
        input = parser.getLongValue();
      } else if (value == JsonToken.VALUE_NUMBER_INT && "output_tokens".equals(name)) {
        output = parser.getLongValue();
      } else {
        parser.skipChildren();
      }
    }
    if (input < 0 || output < 0) {
      throw new Malformed("has a negative token count");
    }
    return TokenUsage.of(input, output);
  }

  private static String mimeType(@Nullable String format) {
    if (format == null || format.isBlank()) {
      return "image/png";
    }
    String lower = format.strip().toLowerCase(Locale.ROOT);
    return lower.equals("jpg") ? "image/jpeg" : "image/" + lower;
  }

  /** What the body got wrong; the message completes "The image generation response". */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }
}
