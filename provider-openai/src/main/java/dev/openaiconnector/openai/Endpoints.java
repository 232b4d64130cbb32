package dev.openaiconnector.openai;

import dev.openaiconnector.api.Operation;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Where an OpenAI-compatible provider sends each operation, and what it writes in the request
 * body's {@code model} field. OpenAI itself appends {@code /chat/completions}, {@code
 * /embeddings} and {@code /images/generations} to one base URL and sends the model in the body;
 * Azure OpenAI's deployments layout puts the deployment in the path and the API version in the
 * query, and leaves the model out of the body.
 *
 * <p>Called on every request, from many threads: implementations must be thread-safe and cheap
 * (compute each URI once per operation and model, and cache it).
 */
public interface Endpoints {
  /**
   * Returns the full URL of an operation for a model, query included.
   *
   * @param operation the operation; {@link Operation#CHAT_STREAM} goes where {@link
   *     Operation#CHAT} goes
   * @param model the model the request names
   * @return the URL to POST to
   */
  URI uri(Operation operation, String model);

  /**
   * Returns what the request body's {@code model} field holds.
   *
   * @param operation the operation
   * @param model the model the request names
   * @return the value to send, or null to leave the field out
   */
  @Nullable String bodyModel(Operation operation, String model);

  /**
   * The OpenAI layout: the operation's path appended to a base URL, the model in the body.
   *
   * @param baseUrl the base URL without a trailing slash, for example {@code
   *     https://api.openai.com/v1}
   * @return the endpoints
   */
  static Endpoints openAi(URI baseUrl) {
    String base = baseUrl.toString();
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    URI chat = URI.create(trimmed + "/chat/completions");
    URI embeddings = URI.create(trimmed + "/embeddings");
    URI images = URI.create(trimmed + "/images/generations");
    return new Endpoints() {
      @Override
      public URI uri(Operation operation, String model) {
        switch (operation) {
          case EMBEDDINGS:
            return embeddings;
          case IMAGES:
            return images;
          default:
            return chat;
        }
      }

      @Override
      public String bodyModel(Operation operation, String model) {
        return model;
      }

      @Override
      public String toString() {
        return "Endpoints[" + trimmed + "]";
      }
    };
  }
}
