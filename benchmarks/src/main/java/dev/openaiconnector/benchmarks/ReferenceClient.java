package dev.openaiconnector.benchmarks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The reference every ratio is taken against: what a competent developer writes with the JDK
 * {@link HttpClient} and Jackson, and nothing else, for the same requests.
 *
 * <p>Competent means: one shared {@link HttpClient}, pinned to HTTP/1.1 for {@code http://} URLs
 * (else the JDK client asks for an h2c upgrade on every cleartext request), with the same connect
 * timeout as the library's and a request timeout per request (a production client must bound its
 * wait; the library sets one too); one shared {@link ObjectMapper}, snake_case, nulls left out,
 * unknown fields ignored, DTO records marked {@code ignoreUnknown} (else Jackson buffers the fields
 * a record does not know); the body read as bytes ({@code ofByteArray}) for plain answers, and
 * line by line for a stream, read to its end so the connection is kept. It builds its request
 * DTO and serializes it per call, as the library does, and reads what the library's answer
 * carries: id, model, content or tool calls, finish reason, the token counts, the request id.
 * It does not parse the rate-limit headers, which the library does: that cost stays on the
 * library's side. It sends a request once more after a connection failure, as the library's core
 * does. Thread-safe.
 *
 * <p>Its {@link HttpClient} has the JDK's default executor, as a user would leave it; the
 * library's has a same-thread one. With {@code -D}{@value #SAME_THREAD_PROPERTY}{@code =true}
 * ({@code Ratios --reference-same-thread}), the reference gets the library's executor too, to
 * show what the library costs beyond that setting.
 */
final class ReferenceClient {
  /** The system property that gives the reference's client the library's same-thread executor. */
  static final String SAME_THREAD_PROPERTY = "benchmarks.reference.sameThread";

  /** The connect timeout, the library's default. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The request timeout, the library's default. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private static final String AUTHORIZATION = "Bearer sk-benchmark";

  final ObjectMapper mapper =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private final HttpClient http;
  private final URI chatUrl;
  private final URI embeddingsUrl;
  private final URI floatEmbeddingsUrl;

  ReferenceClient(URI root, String basePath) {
    this(root, basePath, httpClient(root));
  }

  private static HttpClient httpClient(URI root) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(
                "http".equalsIgnoreCase(root.getScheme())
                    ? HttpClient.Version.HTTP_1_1
                    : HttpClient.Version.HTTP_2)
            .connectTimeout(CONNECT_TIMEOUT);
    if (Boolean.getBoolean(SAME_THREAD_PROPERTY)) {
      builder.executor(Runnable::run);
    }
    return builder.build();
  }

  /**
   * A reference client on a given {@link HttpClient}, for {@link CallerPathBenchmark}'s client that
   * answers from memory.
   *
   * @param root the server's root URL
   * @param basePath the base path of the calls
   * @param http sends every request
   */
  ReferenceClient(URI root, String basePath, HttpClient http) {
    this.http = http;
    this.chatUrl = URI.create(root + basePath + "/chat/completions");
    this.embeddingsUrl = URI.create(root + basePath + "/embeddings");
    this.floatEmbeddingsUrl = URI.create(root + "/float/v1/embeddings");
  }

  /** A chat completions request. */
  record ChatCompletionRequest(
      String model,
      List<Message> messages,
      @Nullable Integer maxCompletionTokens,
      @Nullable List<ToolSpec> tools,
      @Nullable Boolean stream,
      @Nullable StreamOptions streamOptions) {}

  /** A message, of a request or an answer. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Message(
      String role,
      @Nullable String content,
      @Nullable List<ToolCall> toolCalls,
      @Nullable String toolCallId) {
    static Message of(String role, String content) {
      return new Message(role, content, null, null);
    }
  }

  /** A tool offered to the model. */
  record ToolSpec(String type, FunctionSpec function) {}

  /** The function of a tool. */
  record FunctionSpec(String name, String description, JsonNode parameters, boolean strict) {}

  /** Stream options. */
  record StreamOptions(boolean includeUsage) {}

  /** A chat completion. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ChatCompletion(String id, String model, List<Choice> choices, Usage usage) {}

  /** One choice. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Choice(int index, Message message, @Nullable String finishReason) {}

  /** A tool call, in an answer and in the request that carries it back. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ToolCall(String id, String type, Function function) {}

  /** The function a tool call names. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Function(String name, String arguments) {}

  /** Token usage. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Usage(long promptTokens, long completionTokens, long totalTokens) {}

  /** One chunk of a stream. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Chunk(String id, String model, List<ChunkChoice> choices, @Nullable Usage usage) {}

  /** One choice of a chunk. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ChunkChoice(int index, Delta delta, @Nullable String finishReason) {}

  /** The delta of a chunk. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Delta(@Nullable String role, @Nullable String content) {}

  /** An embeddings request. */
  record EmbeddingsRequest(String model, List<String> input, String encodingFormat) {}

  /** A base64 embeddings answer. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Base64Embeddings(List<Base64Embedding> data, String model, Usage usage) {}

  /** One base64 vector. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Base64Embedding(int index, String embedding) {}

  /** A float JSON embeddings answer. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record FloatEmbeddings(List<FloatEmbedding> data, String model, Usage usage) {}

  /** One float JSON vector. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record FloatEmbedding(int index, float[] embedding) {}

  /**
   * What the reference reads from a chat answer: what the library's {@code ChatResponse} carries.
   *
   * @param id the completion id
   * @param model the model that answered
   * @param message the assistant's message
   * @param finishReason why it stopped
   * @param usage the tokens
   * @param requestId the {@code x-request-id} header
   */
  record ChatResult(
      String id,
      String model,
      Message message,
      @Nullable String finishReason,
      Usage usage,
      @Nullable String requestId) {}

  /**
   * A streamed answer, assembled.
   *
   * @param content the text
   * @param finishReason why it stopped
   * @param usage the tokens
   * @param requestId the {@code x-request-id} header
   */
  record StreamResult(
      String content, @Nullable String finishReason, @Nullable Usage usage, @Nullable String requestId) {}

  /**
   * Embeddings, in input order.
   *
   * @param vectors the vectors
   * @param promptTokens the tokens
   * @param requestId the {@code x-request-id} header
   */
  record EmbeddingsResult(float[][] vectors, long promptTokens, @Nullable String requestId) {}

  /**
   * Sends one chat completion request and reads the answer.
   *
   * @param request the request
   * @return what the answer says
   */
  ChatResult chat(ChatCompletionRequest request) {
    HttpResponse<byte[]> response = send(chatUrl, request, "application/json", HttpResponse.BodyHandlers.ofByteArray());
    ChatCompletion completion = read(response, ChatCompletion.class);
    Choice choice = completion.choices().get(0);
    return new ChatResult(
        completion.id(),
        completion.model(),
        choice.message(),
        choice.finishReason(),
        completion.usage(),
        response.headers().firstValue("x-request-id").orElse(null));
  }

  /**
   * Sends a streamed chat completion request and reads the stream to its end.
   *
   * @param request the request, with {@code stream} and {@code include_usage}
   * @return the assembled answer
   */
  StreamResult stream(ChatCompletionRequest request) {
    HttpResponse<InputStream> response =
        send(chatUrl, request, "text/event-stream", HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder content = new StringBuilder();
    String finishReason = null;
    Usage usage = null;
    boolean done = false;
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + response.statusCode());
      }
      // Read to the end, [DONE] included, so that the connection goes back to the pool.
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.startsWith("data: ") || done) {
          continue;
        }
        String data = line.substring(6);
        if (data.equals("[DONE]")) {
          done = true;
          continue;
        }
        Chunk chunk = mapper.readValue(data, Chunk.class);
        if (chunk.usage() != null) {
          usage = chunk.usage();
        }
        for (ChunkChoice choice : chunk.choices()) {
          if (choice.delta().content() != null) {
            content.append(choice.delta().content());
          }
          if (choice.finishReason() != null) {
            finishReason = choice.finishReason();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!done) {
      throw new IllegalStateException("the stream ended without [DONE]");
    }
    return new StreamResult(
        content.toString(),
        finishReason,
        usage,
        response.headers().firstValue("x-request-id").orElse(null));
  }

  /**
   * Sends an embeddings request for base64 vectors and decodes them.
   *
   * @param model the model
   * @param texts the inputs
   * @return the vectors
   */
  EmbeddingsResult embedBase64(String model, List<String> texts) {
    HttpResponse<byte[]> response =
        send(
            embeddingsUrl,
            new EmbeddingsRequest(model, texts, "base64"),
            "application/json",
            HttpResponse.BodyHandlers.ofByteArray());
    Base64Embeddings body = read(response, Base64Embeddings.class);
    float[][] vectors = new float[body.data().size()][];
    Base64.Decoder base64 = Base64.getDecoder();
    for (Base64Embedding item : body.data()) {
      vectors[item.index()] = floats(base64.decode(item.embedding()));
    }
    return new EmbeddingsResult(
        vectors, body.usage().promptTokens(), response.headers().firstValue("x-request-id").orElse(null));
  }

  /**
   * Sends an embeddings request for float JSON vectors and reads them.
   *
   * @param model the model
   * @param texts the inputs
   * @return the vectors
   */
  EmbeddingsResult embedFloat(String model, List<String> texts) {
    HttpResponse<byte[]> response =
        send(
            floatEmbeddingsUrl,
            new EmbeddingsRequest(model, texts, "float"),
            "application/json",
            HttpResponse.BodyHandlers.ofByteArray());
    FloatEmbeddings body = read(response, FloatEmbeddings.class);
    float[][] vectors = new float[body.data().size()][];
    for (FloatEmbedding item : body.data()) {
      vectors[item.index()] = item.embedding();
    }
    return new EmbeddingsResult(
        vectors, body.usage().promptTokens(), response.headers().firstValue("x-request-id").orElse(null));
  }

  private static float[] floats(byte[] bytes) {
    float[] vector = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    return vector;
  }

  private <T> HttpResponse<T> send(
      URI url, Object body, String accept, HttpResponse.BodyHandler<T> handler) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(REQUEST_TIMEOUT)
              .header("Content-Type", "application/json")
              .header("Accept", accept)
              .header("Authorization", AUTHORIZATION)
              .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)))
              .build();
      try {
        return http.send(request, handler);
      } catch (IOException connectionFailure) {
        // Once more, as the library's core does (twice) for a connection failure: on 8 threads
        // the JDK 17 client now and then closes a pooled connection as it hands it out
        // ("HTTP/1.1 header parser received no bytes").
        return http.send(request, handler);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private <T> T read(HttpResponse<byte[]> response, Class<T> type) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "HTTP " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
    }
    try {
      return mapper.readValue(response.body(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies a list into a new one, for building a follow-up conversation.
   *
   * @param messages the messages so far
   * @param more the messages to add
   * @return a new list
   */
  static List<Message> plus(List<Message> messages, Message... more) {
    List<Message> all = new ArrayList<>(messages.size() + more.length);
    all.addAll(messages);
    all.addAll(List.of(more));
    return all;
  }
}
