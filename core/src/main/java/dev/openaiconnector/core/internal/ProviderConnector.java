package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ClientRateLimitException;
import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.OperationCheck;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.SessionStore;
import dev.openaiconnector.api.StructuredResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UsageListener;
import dev.openaiconnector.api.UsageTracker;
import dev.openaiconnector.core.EmbeddingOptions;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.core.ToolLoopOptions;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.spi.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Connector} over one {@link Provider}: checks each request against the provider's
 * capabilities, makes each remote call through the connector's {@link ResilientCalls} (retries,
 * deadlines, circuit breaker, rate limiter, bulkhead, listener events and one DEBUG line per
 * call), and counts the usage of every call. A request with tools goes through the {@link
 * ToolLoop}, which makes one such call per round. Thread-safe.
 *
 * <p>Streams ({@link #stream}) are {@link AssemblingChatStream}s, each underlying stream counted
 * as {@link Operation#CHAT_STREAM} and retried only while it opens; {@link #streamPublisher}
 * serves each subscription from a daemon thread of its own ({@link ChatStreamPublisher}). Closing
 * the connector closes the streams still open and ends the subscriptions still active, before it
 * closes the provider. A stream the application drops without closing it is given back (its
 * connection, its bulkhead place) once the garbage collector finds it, with a WARN.
 *
 * <p>Embeddings ({@link #embedAll(EmbeddingRequest)}) are cut into batches and sent in parallel
 * by an {@link EmbeddingBatcher}, each batch one call counted as {@link Operation#EMBEDDINGS}, so
 * that only a failed batch is retried and the usage of every batch that succeeded is counted as
 * it succeeds; the batcher's threads are stopped when the connector closes. Image generation is
 * one plain call counted as {@link Operation#IMAGES}.
 *
 * <p>{@link #checkConnection()} makes the cheapest valid call of each operation the provider
 * declares, without retries, and reports how each went instead of throwing; image generation only
 * when a check model was set for {@link Operation#IMAGES}, since every image costs money.
 */
public final class ProviderConnector implements Connector {
  private static final Logger log = LoggerFactory.getLogger(ProviderConnector.class);

  /** The ping a connection check sends; the model's answer is read and dropped. */
  static final String CHECK_PROMPT = "ping";

  /** The bound on the answer to a connection check's ping: enough for any model to answer. */
  static final int CHECK_MAX_TOKENS = 16;

  /** What a connection check of image generation asks for. */
  static final String CHECK_IMAGE_PROMPT = "A plain grey square";

  /**
   * Everything a connector is configured with besides its provider.
   *
   * @param sessionStore where sessions keep their history
   * @param usageListeners told about the usage of every successful call, in order
   * @param callListeners told about every call's start, retries and end, in order
   * @param toolLoop how calls of tools are run
   * @param resilience retries, deadlines, circuit breaker, bulkhead and rate limiter
   * @param embeddings how embeddings requests are batched and how many batches run at once
   * @param checkModels the model each operation's connection check calls
   * @param checkTimeout the deadline of each connection check's call
   * @param sleeper waits between attempts
   * @param random draws the jitter of the backoff
   */
  public record Settings(
      SessionStore sessionStore,
      List<UsageListener> usageListeners,
      List<CallListener> callListeners,
      ToolLoopOptions toolLoop,
      ResilienceOptions resilience,
      EmbeddingOptions embeddings,
      Map<Operation, String> checkModels,
      Duration checkTimeout,
      ResilientCalls.Sleeper sleeper,
      DoubleSupplier random) {

    /** Checks the components and copies the collections. */
    public Settings {
      Objects.requireNonNull(sessionStore, "sessionStore");
      usageListeners = List.copyOf(usageListeners);
      callListeners = List.copyOf(callListeners);
      Objects.requireNonNull(toolLoop, "toolLoop");
      Objects.requireNonNull(resilience, "resilience");
      Objects.requireNonNull(embeddings, "embeddings");
      checkModels = Map.copyOf(checkModels);
      Objects.requireNonNull(checkTimeout, "checkTimeout");
      Objects.requireNonNull(sleeper, "sleeper");
      Objects.requireNonNull(random, "random");
    }
  }

  private final Provider provider;
  private final String providerId;
  private final Set<Capability> capabilities;
  private final SessionStore sessionStore;
  private final List<UsageListener> usageListeners;
  private final UsageAccumulator usage = new UsageAccumulator();
  private final ToolLoop toolLoop;
  private final ResilientCalls calls;
  private final EmbeddingBatcher embeddings;
  private final Map<Operation, String> checkModels;
  private final Duration checkTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  // What open streams hold, never the streams themselves, which must stay collectable; and the
  // active subscriptions.
  private final Set<AutoCloseable> openStreams = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean warnedNoStreamUsage = new AtomicBoolean();
  private final AtomicBoolean warnedNoFinishReason = new AtomicBoolean();

  /**
   * Creates a connector that owns the provider and closes it when closed.
   *
   * @param provider the provider
   * @param settings everything else
   */
  public ProviderConnector(Provider provider, Settings settings) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.providerId = Objects.requireNonNull(provider.id(), "provider.id()");
    // Read once: a provider declares what it can do when it is created, and the check runs on
    // every call.
    this.capabilities = EnumSet.noneOf(Capability.class);
    this.capabilities.addAll(provider.capabilities());
    this.sessionStore = settings.sessionStore();
    this.usageListeners = settings.usageListeners();
    this.toolLoop = new ToolLoop(settings.toolLoop());
    this.calls =
        new ResilientCalls(
            providerId,
            settings.resilience(),
            settings.callListeners(),
            settings.sleeper(),
            settings.random());
    this.embeddings =
        new EmbeddingBatcher(
            providerId,
            settings.embeddings(),
            calls,
            settings.resilience().callTimeout(),
            (model, tokens, requestId) ->
                recordUsage(model, Operation.EMBEDDINGS, tokens, null, requestId));
    this.checkModels = settings.checkModels();
    this.checkTimeout = settings.checkTimeout();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return chatForSession(request, null);
  }

  @Override
  public <T> StructuredResponse<T> chat(ChatRequest request, Class<T> type) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(type, "type");
    ChatRequest structured =
        request.toBuilder().responseFormat(StructuredOutputs.responseFormat(type)).build();
    return StructuredOutputs.read(chat(structured), type);
  }

  /**
   * Sends a chat request, on behalf of a session or not; with tools, runs the tool loop.
   *
   * @param request the request
   * @param session the session the calls belong to, which counts their usage too; or null
   * @return the answer; with tools, carrying every round and the summed usage
   */
  ChatResponse chatForSession(ChatRequest request, @Nullable SessionUsage session) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    checkCapabilities(request);
    if (request.tools().isEmpty()) {
      return callOnce(request, session);
    }
    return toolLoop.run(request, round -> callOnce(round, session));
  }

  // One provider call: the only place that reaches the chat port, so every model call is retried,
  // guarded, observed and counted once, whether it is a plain request or a round of the tool loop.
  private ChatResponse callOnce(ChatRequest request, @Nullable SessionUsage session) {
    ensureOpen();
    ChatResponse response =
        calls.call(
            Operation.CHAT,
            request.model(),
            request.timeout(),
            request.maxRetries(),
            deadline -> requireAnswer(provider.chat().complete(request, deadline)),
            answer ->
                new ResilientCalls.CallSuccess(
                    answer.requestId().orElse(null), answer.model(), answer.usage()));
    recordUsage(
        request.model(),
        Operation.CHAT,
        response.usage(),
        session,
        response.requestId().orElse(null));
    return response;
  }

  private ChatResponse requireAnswer(@Nullable ChatResponse response) {
    if (response == null) {
      throw new UnexpectedResponseException(
          "Provider '" + providerId + "' returned no chat response; report it to its author",
          ErrorDetails.ofProvider(providerId),
          null);
    }
    return response;
  }

  @Override
  public ChatStream stream(ChatRequest request) {
    return streamForSession(request, null, StreamCompletion.NONE);
  }

  @Override
  public Flow.Publisher<ChatDelta> streamPublisher(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return new ChatStreamPublisher(this, request);
  }

  /**
   * Streams a chat request, on behalf of a session or not; with tools, the stream spans the tool
   * loop.
   *
   * @param request the request
   * @param session the session the calls belong to, which counts their usage too; or null
   * @param completion learns of the stream's answer and end; its {@link StreamCompletion#ended()}
   *     is called exactly once, also when this method throws
   * @return the open stream
   * @throws UnsupportedCapabilityException before any call, if the provider cannot stream or lacks
   *     what the request needs
   */
  ChatStream streamForSession(
      ChatRequest request, @Nullable SessionUsage session, StreamCompletion completion) {
    StreamCompletion once = StreamCompletion.once(completion);
    try {
      Objects.requireNonNull(request, "request");
      ensureOpen();
      checkCapabilities(request);
      ChatStreamPort port = streamPort();
      ToolLoop.Conversation conversation =
          request.tools().isEmpty() ? null : toolLoop.start(request);
      return AssemblingChatStream.open(this, port, request, conversation, session, once);
    } catch (RuntimeException | Error e) {
      once.ended();
      throw e;
    }
  }

  @Override
  public ChatSession session(SessionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    ensureOpen();
    return BoundedChatSession.open(this, spec, sessionStore);
  }

  @Override
  public Embedding embed(String model, String text) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(text, "text");
    return embedAll(EmbeddingRequest.builder().model(model).input(text).build())
        .embeddings()
        .get(0);
  }

  @Override
  public EmbeddingResponse embedAll(String model, List<String> texts) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(texts, "texts");
    return embedAll(EmbeddingRequest.builder().model(model).inputs(texts).build());
  }

  @Override
  public EmbeddingResponse embedAll(EmbeddingRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return embeddings.embed(request, embeddingsPort());
  }

  @Override
  public ImageResponse generateImages(ImageRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    ImagesPort port = imagesPort();
    ImageResponse response =
        calls.call(
            Operation.IMAGES,
            request.model(),
            request.timeout(),
            request.maxRetries(),
            deadline -> requireImages(port.generate(request, deadline)),
            answer -> new ResilientCalls.CallSuccess(answer.requestId(), null, answer.usage()));
    recordUsage(request.model(), Operation.IMAGES, response.usage(), null, response.requestId());
    return response;
  }

  private ImageResponse requireImages(@Nullable ImageResponse response) {
    if (response == null) {
      throw new UnexpectedResponseException(
          "Provider '" + providerId + "' returned no image response; report it to its author",
          ErrorDetails.ofProvider(providerId),
          null);
    }
    return response;
  }

  @Override
  public ConnectionCheck checkConnection() {
    ensureOpen();
    List<OperationCheck> checks = new ArrayList<>();
    for (Operation operation : checkedOperations()) {
      checks.add(check(operation));
    }
    return new ConnectionCheck(providerId, checks);
  }

  // The operations the provider declares. Image generation only on request: every image is paid
  // for, and a configuration test that spends money unasked would surprise.
  private List<Operation> checkedOperations() {
    List<Operation> operations = new ArrayList<>(4);
    if (capabilities.contains(Capability.CHAT)) {
      operations.add(Operation.CHAT);
      if (capabilities.contains(Capability.CHAT_STREAMING)) {
        operations.add(Operation.CHAT_STREAM);
      }
    }
    if (capabilities.contains(Capability.EMBEDDINGS)) {
      operations.add(Operation.EMBEDDINGS);
    }
    if (capabilities.contains(Capability.IMAGE_GENERATION)
        && checkModels.containsKey(Operation.IMAGES)) {
      operations.add(Operation.IMAGES);
    }
    return operations;
  }

  private OperationCheck check(Operation operation) {
    String model = checkModel(operation);
    long started = System.nanoTime();
    try {
      String requestId = checkOnce(operation, model);
      return new OperationCheck(
          operation, model, OperationCheck.Outcome.OK, elapsed(started), null, requestId);
    } catch (ConnectorException e) {
      return new OperationCheck(
          operation,
          model,
          outcomeOf(e),
          elapsed(started),
          e.getMessage(),
          e.requestId().orElse(null));
    }
  }

  private String checkModel(Operation operation) {
    String model = checkModels.get(operation);
    if (model == null && operation == Operation.CHAT_STREAM) {
      model = checkModels.get(Operation.CHAT);
    }
    if (model == null) {
      throw new IllegalStateException("no connection check model for " + operation);
    }
    return model;
  }

  // Makes the operation's cheapest valid call and returns its request id.
  private @Nullable String checkOnce(Operation operation, String model) {
    switch (operation) {
      case CHAT:
        return chat(chatPing(model)).requestId().orElse(null);
      case CHAT_STREAM:
        try (ChatStream stream = stream(chatPing(model))) {
          return stream.response().requestId().orElse(null);
        }
      case EMBEDDINGS:
        return embedAll(
                EmbeddingRequest.builder()
                    .model(model)
                    .input(CHECK_PROMPT)
                    .maxRetries(0)
                    .timeout(checkTimeout)
                    .build())
            .requestId();
      case IMAGES:
        return generateImages(cheapestImage(model)).requestId();
      default:
        throw new IllegalStateException("no connection check for " + operation);
    }
  }

  private ChatRequest chatPing(String model) {
    return ChatRequest.builder()
        .model(model)
        .user(CHECK_PROMPT)
        .maxTokens(CHECK_MAX_TOKENS)
        .maxRetries(0)
        .timeout(checkTimeout)
        .build();
  }

  // One image at the model's lowest price: the smallest size of dall-e-2, the low quality of
  // gpt-image-*; dall-e-3's defaults (standard, 1024x1024) are already its cheapest.
  private ImageRequest cheapestImage(String model) {
    ImageRequest.Builder image =
        ImageRequest.builder()
            .model(model)
            .prompt(CHECK_IMAGE_PROMPT)
            .n(1)
            .maxRetries(0)
            .timeout(checkTimeout);
    String family = model.toLowerCase(Locale.ROOT);
    if (family.equals("dall-e-2")) {
      image.size("256x256");
    } else if (family.startsWith("gpt-image-")) {
      image.quality("low");
    }
    return image.build();
  }

  private static OperationCheck.Outcome outcomeOf(ConnectorException e) {
    if (e instanceof AuthenticationException) {
      return OperationCheck.Outcome.AUTHENTICATION;
    }
    if (e instanceof PermissionDeniedException) {
      return OperationCheck.Outcome.PERMISSION;
    }
    if (e instanceof NotFoundException) {
      return OperationCheck.Outcome.NOT_FOUND;
    }
    if (e instanceof ConnectionException || e instanceof RequestTimeoutException) {
      return OperationCheck.Outcome.NETWORK;
    }
    if (e instanceof RateLimitException
        || e instanceof QuotaExceededException
        || e instanceof ClientRateLimitException) {
      return OperationCheck.Outcome.RATE_LIMITED;
    }
    return OperationCheck.Outcome.OTHER;
  }

  @Override
  public UsageTracker usage() {
    return usage;
  }

  /**
   * Returns the machinery every remote call of this connector goes through.
   *
   * @return the resilient calls
   */
  ResilientCalls calls() {
    return calls;
  }

  @Override
  public String providerId() {
    return providerId;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        closeOpenStreams();
        toolLoop.close();
        embeddings.close();
      } finally {
        provider.close();
      }
    }
  }

  @Override
  public String toString() {
    return "Connector[provider=" + providerId + (closed.get() ? ", closed" : "") + "]";
  }

  /**
   * Registers what a stream holds, or a subscription, to be closed when the connector closes. Never
   * a {@link ChatStream} itself: the connector would keep one the application dropped unclosed
   * reachable, and so out of the cleaner's reach.
   *
   * @param stream what the stream holds, or the subscription
   * @throws IllegalStateException if the connector is closed
   */
  void register(AutoCloseable stream) {
    openStreams.add(stream);
    // Checked after adding: a close() that began before the add has set the flag; one that
    // begins after it sees the stream.
    if (closed.get()) {
      openStreams.remove(stream);
      throw new IllegalStateException("connector is closed");
    }
  }

  /**
   * Forgets a stream or subscription that ended.
   *
   * @param stream what the stream held, or the subscription
   */
  void deregister(AutoCloseable stream) {
    openStreams.remove(stream);
  }

  /**
   * Warns, once per connector, that a provider ended a stream without usage.
   *
   * @param model the model the request named
   */
  void warnStreamWithoutUsage(String model) {
    if (warnedNoStreamUsage.compareAndSet(false, true)) {
      log.warn(
          "Provider '{}' ended a stream (model {}) without usage, so its tokens count as zero."
              + " A provider must ask for the usage of streams (stream_options.include_usage);"
              + " report it to its author. Logged once per connector",
          providerId,
          model);
    }
  }

  /**
   * Warns, once per connector, that a provider ended a stream without a choice's finish reason.
   *
   * @param model the model the request named
   */
  void warnStreamWithoutFinishReason(String model) {
    if (warnedNoFinishReason.compareAndSet(false, true)) {
      log.warn(
          "Provider '{}' ended a stream (model {}) without a finish reason for some choice, which"
              + " then reads \"{}\"; report it to its author. Logged once per connector",
          providerId,
          model,
          ChatDeltaAssembler.MISSING_FINISH_REASON.value());
    }
  }

  private void closeOpenStreams() {
    for (AutoCloseable stream : openStreams) {
      try {
        stream.close();
      } catch (Exception e) {
        log.warn("Closing a stream failed with {}", e.getClass().getName());
      }
    }
    openStreams.clear();
  }

  private ChatStreamPort streamPort() {
    if (!capabilities.contains(Capability.CHAT_STREAMING)) {
      throw new UnsupportedCapabilityException(
          providerId,
          "CHAT_STREAMING",
          "use chat(...) for the whole answer at once, or a provider that declares"
              + " Capability.CHAT_STREAMING");
    }
    return provider
        .chatStream()
        .orElseThrow(
            () ->
                new UnsupportedCapabilityException(
                    providerId,
                    "CHAT_STREAMING",
                    "the provider declares Capability.CHAT_STREAMING but its chatStream() is"
                        + " empty; report it to the provider's author, and use chat(...)"
                        + " meanwhile"));
  }

  private EmbeddingsPort embeddingsPort() {
    if (!capabilities.contains(Capability.EMBEDDINGS)) {
      throw new UnsupportedCapabilityException(
          providerId,
          "EMBEDDINGS",
          "choose a provider that declares Capability.EMBEDDINGS with"
              + " Connectors.builder().providerId(...) or provider(...)");
    }
    return provider
        .embeddings()
        .orElseThrow(
            () ->
                new UnsupportedCapabilityException(
                    providerId,
                    "EMBEDDINGS",
                    "the provider declares Capability.EMBEDDINGS but its embeddings() is empty;"
                        + " report it to the provider's author"));
  }

  private ImagesPort imagesPort() {
    if (!capabilities.contains(Capability.IMAGE_GENERATION)) {
      throw new UnsupportedCapabilityException(
          providerId,
          "IMAGE_GENERATION",
          "choose a provider that declares Capability.IMAGE_GENERATION with"
              + " Connectors.builder().providerId(...) or provider(...)");
    }
    return provider
        .images()
        .orElseThrow(
            () ->
                new UnsupportedCapabilityException(
                    providerId,
                    "IMAGE_GENERATION",
                    "the provider declares Capability.IMAGE_GENERATION but its images() is"
                        + " empty; report it to the provider's author"));
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("connector is closed");
    }
  }

  private void checkCapabilities(ChatRequest request) {
    if (!capabilities.contains(Capability.CHAT)) {
      throw new UnsupportedCapabilityException(
          providerId,
          "CHAT",
          "choose a provider that declares Capability.CHAT with"
              + " Connectors.builder().providerId(...) or provider(...)");
    }
    if (!capabilities.contains(Capability.TOOLS) && !request.tools().isEmpty()) {
      throw new UnsupportedCapabilityException(
          providerId,
          "TOOLS",
          "remove the tools from the request (or the session's request options), or use a"
              + " provider that declares Capability.TOOLS");
    }
    if (!capabilities.contains(Capability.VISION) && request.hasImages()) {
      throw new UnsupportedCapabilityException(
          providerId,
          "VISION",
          "remove the image parts from the user messages, or use a provider that declares"
              + " Capability.VISION with a vision model");
    }
    if (!capabilities.contains(Capability.JSON_MODE)
        && request.responseFormat().type() == ResponseFormat.Type.JSON_OBJECT) {
      throw new UnsupportedCapabilityException(
          providerId,
          "JSON_MODE",
          "use ResponseFormat.text() and ask for JSON in the prompt, or use a provider that"
              + " declares Capability.JSON_MODE");
    }
    if (!capabilities.contains(Capability.STRUCTURED_OUTPUT)
        && request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA) {
      throw new UnsupportedCapabilityException(
          providerId,
          "STRUCTURED_OUTPUT",
          "use ResponseFormat.jsonObject() and describe the fields in the prompt, or use a"
              + " provider that declares Capability.STRUCTURED_OUTPUT");
    }
  }

  /**
   * Counts one successful model call and tells the listeners.
   *
   * @param model the model the request named
   * @param operation the kind of call
   * @param tokens the call's usage
   * @param session the session the call belongs to, which counts it too; or null
   * @param requestId the provider's request id, or null
   */
  void recordUsage(
      String model,
      Operation operation,
      TokenUsage tokens,
      @Nullable SessionUsage session,
      @Nullable String requestId) {
    usage.record(providerId, model, operation, tokens);
    if (session != null) {
      session.add(tokens);
    }
    if (usageListeners.isEmpty()) {
      return;
    }
    UsageEvent event =
        new UsageEvent(
            providerId,
            model,
            operation,
            tokens,
            session == null ? null : session.sessionId(),
            requestId);
    for (UsageListener listener : usageListeners) {
      try {
        listener.onUsage(event);
      } catch (RuntimeException e) {
        // The exception's message is left out: a listener may have put anything in it.
        log.warn(
            "Usage listener {} failed with {}; the {} call it observed succeeded",
            listener.getClass().getName(),
            e.getClass().getName(),
            operation);
      }
    }
  }

  private static Duration elapsed(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
