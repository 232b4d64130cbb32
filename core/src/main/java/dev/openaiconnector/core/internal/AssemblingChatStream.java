package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatStreamPort;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatStream} that pulls deltas from the provider's {@link ChatEventSource} as the reader
 * asks for them, hands each on, and assembles them ({@link ChatDeltaAssembler}) into the response.
 *
 * <p>With tools, one stream spans the whole {@link ToolLoop.Conversation}: when a model call ends
 * with tool calls, the calls run on the reading thread (inside {@code hasNext()}), and the next
 * model call's stream is opened with the extended conversation; its deltas follow on the same
 * iterator. Each underlying stream is one call of the connector's {@link ResilientCalls}: retried
 * and guarded while it opens, holding its bulkhead place until its source is closed, and ended
 * (listener events, log line) when it ends, fails or is closed; its usage is counted ({@link
 * Operation#CHAT_STREAM}) once, when it ends successfully. Nothing is retried once a stream has
 * opened: a failure reaches the reader as it came, since the reader may already have seen deltas
 * that a second attempt would repeat.
 *
 * <p>Ending: the source in use is closed whenever the stream ends, normally, by a failure or by
 * {@link #close()}, and the {@link StreamCompletion} learns of the end once. A close wins over
 * whatever the source does when closed (a source may even report a normal end): the reader then
 * gets a {@link StreamCancelledException}, and the answer is never handed to the completion.
 *
 * <p>Leaks: what must be given back (the source in use, so its connection and bulkhead place; the
 * call; the completion, so a session's turn) lives in {@link Resources}, which never points at the
 * stream. The connector's list of open streams holds those resources, not the stream, so a stream
 * the application drops without closing becomes unreachable; the {@link CoreCleaner} then cancels
 * it as {@link #close()} would (listeners and the completion learn of it on the cleaner's thread),
 * and logs one WARN. {@link #close()} deregisters the stream from the cleaner, and the state's one
 * move from {@code OPEN} to {@code CANCELLED} makes sure only one of the two gives anything back.
 *
 * <p>Thread-safety: reading ({@code hasNext()}, {@code next()}, {@link #response()}) is serialized,
 * and meant for one thread at a time; {@link #close()} may be called from any thread, also while
 * the reader waits for a delta.
 */
final class AssemblingChatStream implements ChatStream {
  private static final Logger log = LoggerFactory.getLogger(AssemblingChatStream.class);

  private enum State {
    /** Reading. */
    OPEN,
    /** The answer is assembled and handed to the completion. */
    FINISHING,
    /** Ended normally; the response is there. */
    DONE,
    /** Ended by a failure, which every later read throws again. */
    FAILED,
    /** Closed before its end. */
    CANCELLED
  }

  private final ProviderConnector connector;
  private final ChatStreamPort port;
  private final String providerId;
  private final @Nullable ToolLoop.Conversation conversation;
  private final @Nullable SessionUsage session;
  private final Resources held;
  private final Cleaner.Cleanable cleanable;
  private final AtomicBoolean iterated = new AtomicBoolean();
  private final Object reading = new Object();
  private ChatDeltaAssembler assembler;

  // Guarded by reading.
  private @Nullable ChatDelta lookahead;
  private @Nullable RuntimeException failure;
  private @Nullable ChatResponse response;

  private AssemblingChatStream(
      ProviderConnector connector,
      ChatStreamPort port,
      ChatRequest request,
      @Nullable ToolLoop.Conversation conversation,
      @Nullable SessionUsage session,
      StreamCompletion completion) {
    this.connector = connector;
    this.port = port;
    this.providerId = connector.providerId();
    this.conversation = conversation;
    this.session = session;
    this.held = new Resources(connector, request.model(), session != null, completion);
    // The action is bound to the resources only: one that reached this stream would keep it
    // reachable for ever.
    this.cleanable = CoreCleaner.CLEANER.register(this, held::giveBackUnclosed);
    this.assembler = new ChatDeltaAssembler(providerId);
  }

  /**
   * Opens the first underlying stream and returns the stream over it.
   *
   * @param connector counts the usage and closes the stream when it closes
   * @param port the provider's port
   * @param request the request, validated and checked against the provider's capabilities
   * @param conversation the tool loop's state for a request with tools, else null
   * @param session the session the calls belong to, which counts their usage too; or null
   * @param completion learns of the end; also when this method fails
   * @return the open stream
   * @throws RuntimeException what opening failed with; the completion has then ended
   */
  static AssemblingChatStream open(
      ProviderConnector connector,
      ChatStreamPort port,
      ChatRequest request,
      @Nullable ToolLoop.Conversation conversation,
      @Nullable SessionUsage session,
      StreamCompletion completion) {
    AssemblingChatStream stream =
        new AssemblingChatStream(connector, port, request, conversation, session, completion);
    try {
      connector.register(stream.held);
      stream.openRound(conversation == null ? request : conversation.request());
    } catch (RuntimeException | Error e) {
      stream.held.state.compareAndSet(State.OPEN, State.FAILED);
      stream.held.end();
      stream.cleanable.clean();
      throw e;
    }
    return stream;
  }

  @Override
  public Iterator<ChatDelta> iterator() {
    if (!iterated.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "a ChatStream can be iterated once; read the assembled answer with response()");
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return hasNextDelta();
      }

      @Override
      public ChatDelta next() {
        return nextDelta();
      }
    };
  }

  @Override
  public ChatResponse response() {
    synchronized (reading) {
      while (hasNextDelta()) {
        lookahead = null;
      }
      ChatResponse whole = response;
      if (whole == null) {
        throw new IllegalStateException("stream ended without a response");
      }
      return whole;
    }
  }

  @Override
  public void close() {
    try {
      held.cancel();
      // Deregisters from the cleaner; its action finds the stream cancelled and does nothing.
      cleanable.clean();
    } finally {
      // Unreachable before the cancel is through, the stream could be taken for a leak.
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public String toString() {
    return "ChatStream[provider="
        + providerId
        + ", model="
        + held.roundModel
        + ", "
        + held.state.get()
        + "]";
  }

  private boolean hasNextDelta() {
    try {
      return readNext();
    } finally {
      // A reader blocked in the source keeps the stream reachable, so it is never taken for a
      // leak.
      Reference.reachabilityFence(this);
    }
  }

  private boolean readNext() {
    synchronized (reading) {
      State now = held.state.get();
      if (now == State.CANCELLED) {
        throw held.cancelled();
      }
      if (lookahead != null) {
        return true;
      }
      if (now == State.DONE) {
        return false;
      }
      RuntimeException failed = failure;
      if (now == State.FAILED && failed != null) {
        throw failed;
      }
      try {
        ChatDelta delta = pull();
        lookahead = delta;
        return delta != null;
      } catch (RuntimeException e) {
        throw fail(e);
      } catch (Error e) {
        fail(new IllegalStateException("the stream was ended by " + e.getClass().getName(), e));
        throw e;
      }
    }
  }

  private ChatDelta nextDelta() {
    synchronized (reading) {
      if (!hasNextDelta()) {
        throw new NoSuchElementException("the stream has ended; its answer is in response()");
      }
      ChatDelta delta = lookahead;
      lookahead = null;
      if (delta == null) {
        throw new NoSuchElementException("the stream has ended; its answer is in response()");
      }
      return delta;
    }
  }

  // The next delta, crossing to the next model call of the tool loop when one ends with tool
  // calls; null once the final answer is assembled and handed over.
  private @Nullable ChatDelta pull() {
    while (true) {
      held.ensureNotCancelled();
      ChatEventSource current = held.source;
      if (current == null) {
        throw new IllegalStateException("no stream is open");
      }
      ChatDelta delta;
      try {
        delta = current.next();
      } catch (RuntimeException e) {
        held.ensureNotCancelled();
        throw e;
      }
      held.ensureNotCancelled();
      if (delta != null) {
        ResilientCalls.CallTrace call = held.trace;
        if (call != null) {
          call.firstDelta();
        }
        assembler.accept(delta);
        return delta;
      }
      ChatResponse answer = endRound(current);
      held.ensureNotCancelled();
      ToolLoop.Conversation loop = conversation;
      Optional<ChatResponse> whole = loop == null ? Optional.of(answer) : loop.advance(answer);
      if (whole.isPresent()) {
        finish(whole.get());
        return null;
      }
      held.ensureNotCancelled();
      openRound(loop.request());
    }
  }

  private void openRound(ChatRequest request) {
    held.roundModel = request.model();
    assembler = new ChatDeltaAssembler(providerId);
    ResilientCalls.OpenedStream opened =
        connector
            .calls()
            .openStream(
                request.model(),
                request.timeout(),
                request.maxRetries(),
                deadline -> requireSource(port.open(request, deadline)));
    held.trace = opened.trace();
    held.source = opened.source();
    // A close that came while the stream opened did not see it.
    if (held.state.get() == State.CANCELLED) {
      held.closeQuietly(opened.source());
      StreamCancelledException cancelled = held.cancelled();
      opened.trace().failed(cancelled);
      throw cancelled;
    }
  }

  private ChatEventSource requireSource(@Nullable ChatEventSource opened) {
    if (opened == null) {
      throw new UnexpectedResponseException(
          "Provider '" + providerId + "' opened no stream; report it to its author",
          ErrorDetails.ofProvider(providerId),
          null);
    }
    return opened;
  }

  // The model call's stream ended normally: close it, assemble its answer, end and count the call.
  private ChatResponse endRound(ChatEventSource ended) {
    String completionId = ended.completionId();
    String model = ended.model();
    String requestId = ended.requestId();
    RateLimits rateLimits = ended.rateLimits();
    ContentFilterReport contentFilter = ended.contentFilter();
    held.closeQuietly(ended);
    String roundModel = held.roundModel;
    ChatResponse answer =
        assembler.toResponse(
            completionId == null ? "" : completionId,
            model == null ? roundModel : model,
            requestId,
            rateLimits);
    if (!contentFilter.isEmpty()) {
      answer = answer.toBuilder().contentFilter(contentFilter).build();
    }
    if (!assembler.hasUsage()) {
      connector.warnStreamWithoutUsage(roundModel);
    }
    if (assembler.missesFinishReason()) {
      connector.warnStreamWithoutFinishReason(roundModel);
    }
    ResilientCalls.CallTrace call = held.trace;
    if (call != null) {
      call.succeeded(new ResilientCalls.CallSuccess(requestId, model, answer.usage()));
    }
    connector.recordUsage(
        roundModel, Operation.CHAT_STREAM, answer.usage(), session, requestId);
    return answer;
  }

  private void finish(ChatResponse whole) {
    if (!held.state.compareAndSet(State.OPEN, State.FINISHING)) {
      throw held.cancelled();
    }
    // A failure here (a session's store) is caught by the reader's fail(...), FINISHING to FAILED.
    held.completion.succeeded(whole);
    response = whole;
    held.state.set(State.DONE);
    held.end();
  }

  private RuntimeException fail(RuntimeException e) {
    held.closeQuietly(held.source);
    held.endCall(e);
    while (true) {
      State now = held.state.get();
      if (now == State.CANCELLED) {
        return e instanceof StreamCancelledException ? e : held.cancelled();
      }
      if (now != State.OPEN && now != State.FINISHING) {
        return e;
      }
      failure = e;
      if (held.state.compareAndSet(now, State.FAILED)) {
        held.end();
        return e;
      }
    }
  }

  /**
   * What an open stream must give back, kept apart from the stream so that the connector and the
   * cleaner can reach it without keeping the stream reachable: the current model call's source
   * (its connection and bulkhead place) and trace, and the owner's completion. The state lives here
   * too, so that a cancel from outside (the connector's close, the cleaner) is what the reader
   * sees. Never points at its stream.
   */
  private static final class Resources implements AutoCloseable {
    private final ProviderConnector connector;
    private final String providerId;
    private final boolean ofSession;
    private final StreamCompletion completion;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private final AtomicBoolean ended = new AtomicBoolean();

    // The current model call, read by closing threads.
    private volatile @Nullable ChatEventSource source;
    private volatile ResilientCalls.@Nullable CallTrace trace;
    private volatile String roundModel;

    Resources(
        ProviderConnector connector,
        String model,
        boolean ofSession,
        StreamCompletion completion) {
      this.connector = connector;
      this.providerId = connector.providerId();
      this.roundModel = model;
      this.ofSession = ofSession;
      this.completion = completion;
    }

    /** Cancels the stream: the connector closes. */
    @Override
    public void close() {
      cancel();
    }

    // Cancels an open stream; false if it had already ended, failed or been cancelled.
    boolean cancel() {
      if (!state.compareAndSet(State.OPEN, State.CANCELLED)) {
        return false;
      }
      closeQuietly(source);
      endCall(cancelled());
      end();
      return true;
    }

    // The cleaner's action, on its thread: the application dropped the stream without closing
    // it. A stream that ended by itself gave everything back then, and is not worth a warning.
    void giveBackUnclosed() {
      try {
        if (cancel()) {
          // Names only: the request and the deltas are the application's data.
          log.warn(
              "A ChatStream (provider '{}', model {}, operation {}{}) was not closed before it"
                  + " became unreachable, and held its connection and its place in the"
                  + " connector's bulkhead until the garbage collector found it: the connection"
                  + " is now closed and the place in the connector's bulkhead was given back{}."
                  + " Close every stream, also when reading it fails, best with"
                  + " try-with-resources: try (ChatStream stream = connector.stream(request)) {"
                  + " ... }",
              providerId,
              roundModel,
              Operation.CHAT_STREAM,
              ofSession ? ", of a session" : "",
              ofSession ? ", and so was the session's turn" : "");
        }
      } catch (RuntimeException e) {
        // The cleaner's thread is shared: nothing may escape from one action.
        log.warn("Giving back an unclosed stream failed with {}", e.getClass().getName());
      }
    }

    private void end() {
      if (ended.compareAndSet(false, true)) {
        connector.deregister(this);
        try {
          completion.ended();
        } catch (RuntimeException e) {
          log.warn("Ending a stream failed with {}", e.getClass().getName());
        }
      }
    }

    private void ensureNotCancelled() {
      if (state.get() == State.CANCELLED) {
        throw cancelled();
      }
    }

    private StreamCancelledException cancelled() {
      return new StreamCancelledException(providerId);
    }

    // Ends the current model call, unless it already ended (a tool round's failure comes after
    // it).
    private void endCall(RuntimeException failure) {
      ResilientCalls.CallTrace call = trace;
      if (call != null) {
        call.failed(failure);
      }
    }

    private void closeQuietly(@Nullable ChatEventSource closing) {
      if (closing == null) {
        return;
      }
      try {
        closing.close();
      } catch (RuntimeException e) {
        // The message is left out: it may quote the wire.
        log.warn(
            "Closing a stream of provider '{}' failed with {}",
            providerId,
            e.getClass().getName());
      }
    }
  }
}
