package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.PartialEmbeddingException;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.testing.EmbeddingsProvider;
import dev.openaiconnector.core.testing.RecordingSleeper;
import dev.openaiconnector.core.testing.ScriptedEmbeddingsPort;
import dev.openaiconnector.core.testing.ScriptedImagesPort;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EmbeddingsTest {
  private static final String MODEL = "text-embedding-3-small";

  private final ScriptedEmbeddingsPort port = new ScriptedEmbeddingsPort();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final CallListenerTest.Recorder recorder = new CallListenerTest.Recorder();

  @Test
  void embedReturnsTheVectorOfOneText() {
    Embedding embedding;
    try (Connector connector = connector(EmbeddingOptions.defaults())) {
      embedding = connector.embed(MODEL, "hello");
    }

    assertThat(embedding.index()).isZero();
    assertThat(embedding.vector()).containsExactly(ScriptedEmbeddingsPort.vectorOf("hello"));
    assertThat(port.batches()).containsExactly(List.of("hello"));
    assertThat(port.calls().get(0).request().model()).isEqualTo(MODEL);
  }

  @Test
  void embedRejectsABlankTextBeforeAnyCallNamingItsIndex() {
    try (Connector connector = connector(EmbeddingOptions.defaults())) {
      assertThatThrownBy(() -> connector.embed(MODEL, " \n"))
          .isInstanceOf(RequestValidationException.class)
          .hasMessageContaining("inputs[0] is blank");
    }

    assertThat(port.calls()).isEmpty();
  }

  @Test
  void embedAllRejectsNullAndBlankTextsAndAnEmptyListBeforeAnyCall() {
    try (Connector connector = connector(EmbeddingOptions.defaults())) {
      assertThatThrownBy(() -> connector.embedAll(MODEL, Arrays.asList("a", null, "b", "")))
          .isInstanceOf(RequestValidationException.class)
          .satisfies(
              e ->
                  assertThat(((RequestValidationException) e).problems())
                      .hasSize(2)
                      .anySatisfy(p -> assertThat(p).startsWith("inputs[1] is null"))
                      .anySatisfy(p -> assertThat(p).startsWith("inputs[3] is blank")));
      assertThatThrownBy(() -> connector.embedAll(MODEL, List.of()))
          .isInstanceOf(RequestValidationException.class)
          .hasMessageContaining("inputs must not be empty");
    }

    assertThat(port.calls()).isEmpty();
  }

  @Test
  void splitsByTheInputLimitIntoContiguousBatchesInInputOrder() {
    EmbeddingResponse response;
    try (Connector connector = connector(sequential().maxInputsPerRequest(3).build())) {
      response = connector.embedAll(MODEL, texts(8));
    }

    assertThat(port.batches())
        .containsExactly(texts(0, 3), texts(3, 6), texts(6, 8));
    assertInInputOrder(response, texts(8));
  }

  @Test
  void theProvidersSmallerLimitWins() {
    port.maxInputs(2);

    try (Connector connector = connector(sequential().build())) {
      connector.embedAll(MODEL, texts(5));
    }

    assertThat(port.batches()).containsExactly(texts(0, 2), texts(2, 4), texts(4, 5));
  }

  @Test
  void ourSmallerLimitWinsOverTheProviders() {
    port.maxInputs(4);

    try (Connector connector = connector(sequential().maxInputsPerRequest(3).build())) {
      connector.embedAll(MODEL, texts(5));
    }

    assertThat(port.batches()).containsExactly(texts(0, 3), texts(3, 5));
  }

  @Test
  void splitsByTheTokenBudget() {
    // 16 ASCII characters are estimated at 4 tokens: two fit a budget of 10, three do not.
    List<String> texts =
        IntStream.range(0, 5)
            .mapToObj(i -> "sixteen-chars-" + i + "_")
            .collect(Collectors.toList());
    assertThat(texts).allSatisfy(text -> assertThat(text).hasSize(16));

    try (Connector connector = connector(sequential().maxTokensPerRequest(10).build())) {
      assertInInputOrder(connector.embedAll(MODEL, texts), texts);
    }

    assertThat(port.batches())
        .containsExactly(texts.subList(0, 2), texts.subList(2, 4), texts.subList(4, 5));
  }

  @Test
  void anInputOverTheTokenBudgetIsSentInABatchOfItsOwn() {
    String big = "x".repeat(100);
    List<String> texts = List.of("one", "two", big, "three", "four");

    try (Connector connector = connector(sequential().maxTokensPerRequest(10).build())) {
      assertInInputOrder(connector.embedAll(MODEL, texts), texts);
    }

    assertThat(port.batches())
        .containsExactly(List.of("one", "two"), List.of(big), List.of("three", "four"));
  }

  @Test
  void nonLatinTextCountsAboutATokenPerCharacter() {
    // Eleven CJK characters are estimated at 11 tokens, so two do not fit a budget of 20; at four
    // characters a token, all three would fit in one batch.
    String japanese = "日本語のテキストです。";
    List<String> texts = List.of(japanese, japanese, japanese);

    try (Connector connector = connector(sequential().maxTokensPerRequest(20).build())) {
      connector.embedAll(MODEL, texts);
    }

    assertThat(port.batches()).hasSize(3);
  }

  @Test
  void keepsTheInputOrderWhenParallelBatchesAnswerOutOfOrder() {
    List<String> texts = texts(8);
    // The first batch is answered only after the three others: last, although it started first.
    port.holdBatchUntilOthersAnswered("text-0", 3);

    EmbeddingResponse response;
    try (Connector connector =
        connector(
            EmbeddingOptions.builder().maxInputsPerRequest(2).maxParallelRequests(4).build())) {
      response = connector.embedAll(MODEL, texts);
    }

    assertThat(port.answerOrder()).hasSize(4).last().isEqualTo("text-0");
    assertInInputOrder(response, texts);
    assertThat(threadsThatCalled()).hasSizeGreaterThan(1);
  }

  @Test
  void sendsAtMostMaxParallelRequestsAtOnce() {
    List<String> texts = texts(12);
    // The first three calls wait for each other: they prove that three run at once.
    port.meetInFlight(3);

    EmbeddingResponse response;
    try (Connector connector =
        connector(
            EmbeddingOptions.builder().maxInputsPerRequest(1).maxParallelRequests(3).build())) {
      response = connector.embedAll(MODEL, texts);
    }

    assertThat(port.maxInFlight()).isEqualTo(3);
    assertThat(threadsThatCalled()).hasSizeLessThanOrEqualTo(3);
    assertThat(port.calls()).hasSize(12);
    assertInInputOrder(response, texts);
  }

  @Test
  void oneParallelRequestSendsTheBatchesOneAfterTheOtherOnTheCallingThread() {
    try (Connector connector = connector(sequential().maxInputsPerRequest(1).build())) {
      connector.embedAll(MODEL, texts(5));
    }

    assertThat(port.maxInFlight()).isEqualTo(1);
    assertThat(threadsThatCalled()).containsExactly(Thread.currentThread());
  }

  @Test
  void retriesOnlyTheBatchThatFailed() {
    port.failBatchWith("text-2", 1, () -> serverError("bad gateway"));

    EmbeddingResponse response;
    try (Connector connector =
        connector(
            EmbeddingOptions.builder().maxInputsPerRequest(2).maxParallelRequests(4).build())) {
      response = connector.embedAll(MODEL, texts(6));
    }

    assertThat(port.batches())
        .hasSize(4)
        .containsOnly(texts(0, 2), texts(2, 4), texts(4, 6))
        .filteredOn(batch -> batch.equals(texts(2, 4)))
        .hasSize(2);
    assertThat(sleeper.waits()).hasSize(1);
    assertInInputOrder(response, texts(6));
  }

  @Test
  void aBatchThatFailsForGoodLeavesItsInputsMissingAndKeepsTheOtherVectors() {
    port.failBatchWith("text-2", Integer.MAX_VALUE, () -> serverError("down"));

    PartialEmbeddingException partial;
    try (Connector connector =
        connector(
            EmbeddingOptions.builder().maxInputsPerRequest(2).maxParallelRequests(4).build())) {
      partial =
          catchPartial(
              () ->
                  connector.embedAll(
                      EmbeddingRequest.builder()
                          .model(MODEL)
                          .inputs(texts(6))
                          .maxRetries(1)
                          .build()));
      UsageSnapshot usage = connector.usage().snapshot();
      assertThat(usage.calls()).isEqualTo(2);
      assertThat(usage.forOperation(Operation.EMBEDDINGS).promptTokens()).isEqualTo(4);
    }

    assertThat(partial.missingIndices()).containsExactly(2, 3);
    assertThat(partial.getCause())
        .isInstanceOf(ServerException.class)
        .hasMessageStartingWith("down");
    List<Embedding> kept = partial.partial();
    assertThat(kept).hasSize(6);
    for (int i : List.of(0, 1, 4, 5)) {
      assertThat(kept.get(i).index()).isEqualTo(i);
      assertThat(kept.get(i).vector())
          .containsExactly(ScriptedEmbeddingsPort.vectorOf("text-" + i));
    }
    assertThat(kept.get(2)).isNull();
    assertThat(kept.get(3)).isNull();
    assertThat(port.batches().stream().filter(batch -> batch.equals(texts(2, 4)))).hasSize(2);
  }

  @Test
  void whenEveryBatchFailsTheFirstBatchsFailureIsThrownWithTheOthersSuppressed() {
    port.failBatchWith("text-0", 1, () -> serverError("first"))
        .failBatchWith("text-2", 1, () -> serverError("second"));

    Throwable thrown;
    try (Connector connector =
        connector(EmbeddingOptions.builder().maxInputsPerRequest(2).build())) {
      thrown =
          catchThrowable(
              () ->
                  connector.embedAll(
                      EmbeddingRequest.builder()
                          .model(MODEL)
                          .inputs(texts(4))
                          .maxRetries(0)
                          .build()));
    }

    assertThat(thrown).isInstanceOf(ServerException.class).hasMessageStartingWith("first");
    assertThat(thrown.getSuppressed())
        .singleElement()
        .satisfies(other -> assertThat(other).hasMessageStartingWith("second"));
  }

  @Test
  void aSingleBatchsFailureIsThrownAsItIs() {
    port.failBatchWith("hello", 1, () -> new AuthenticationException("bad key", details(), null));

    try (Connector connector = connector(EmbeddingOptions.defaults())) {
      assertThatThrownBy(() -> connector.embed(MODEL, "hello"))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageStartingWith("bad key")
          .hasNoSuppressedExceptions();
    }
  }

  static Stream<Supplier<ConnectorException>> failuresEveryBatchWouldMeet() {
    return Stream.of(
        () -> new AuthenticationException("bad key", details(), null),
        () -> new PermissionDeniedException("no role", details(), null),
        () -> new NotFoundException("no such model", details(), null),
        () -> new QuotaExceededException("insufficient_quota", details(), null),
        () -> new ConfigurationException("no key", null),
        () -> new UnsupportedCapabilityException("fake", "EMBEDDINGS", "use another"),
        () -> new RequestValidationException(List.of("dimensions must be positive")),
        () -> new CallInterruptedException("interrupted", details(), null));
  }

  static Stream<Supplier<ConnectorException>> failuresOfOneBatchsInputs() {
    return Stream.of(
        () -> new InvalidRequestException("input 1 is over 8192 tokens", details(), null),
        () -> new ContentFilterException("input 1 was filtered", details(), null));
  }

  @ParameterizedTest
  @MethodSource("failuresOfOneBatchsInputs")
  void aFailureAboutOneBatchsInputsLetsTheOtherBatchesGoOn(Supplier<ConnectorException> failure) {
    port.failBatchWith("text-1", 1, failure);

    PartialEmbeddingException partial;
    try (Connector connector = connector(sequential().maxInputsPerRequest(1).build())) {
      partial = catchPartial(() -> connector.embedAll(MODEL, texts(4)));
    }

    assertThat(port.batches()).containsExactly(texts(0, 1), texts(1, 2), texts(2, 3), texts(3, 4));
    assertThat(partial.missingIndices()).containsExactly(1);
    assertThat(partial.getCause()).isInstanceOf(failure.get().getClass());
  }

  @ParameterizedTest
  @MethodSource("failuresEveryBatchWouldMeet")
  void aFailureEveryBatchWouldMeetStopsNewBatches(Supplier<ConnectorException> failure) {
    port.failBatchWith("text-1", 1, failure);

    PartialEmbeddingException partial;
    try (Connector connector = connector(sequential().maxInputsPerRequest(1).build())) {
      partial = catchPartial(() -> connector.embedAll(MODEL, texts(4)));
    }

    assertThat(port.batches()).containsExactly(texts(0, 1), texts(1, 2));
    assertThat(partial.missingIndices()).containsExactly(1, 2, 3);
    assertThat(partial.getCause()).isInstanceOf(failure.get().getClass());
  }

  @Test
  void aRetriableFailureThatOutlastsItsRetriesLetsTheOtherBatchesGoOn() {
    port.failBatchWith(
        "text-1", Integer.MAX_VALUE, () -> new RateLimitException("slow down", details(), null));

    PartialEmbeddingException partial;
    try (Connector connector = connector(sequential().maxInputsPerRequest(1).build())) {
      partial = catchPartial(() -> connector.embedAll(MODEL, texts(4)));
    }

    // Two retries by default: three attempts of the failing batch, then the others.
    assertThat(port.calls()).hasSize(6);
    assertThat(partial.missingIndices()).containsExactly(1);
    assertThat(partial.getCause()).isInstanceOf(RateLimitException.class);
  }

  @Test
  void aFailureEveryBatchWouldMeetInTheFirstBatchThrowsItAsItIs() {
    port.failBatchWith("text-0", 1, () -> new AuthenticationException("bad key", details(), null));

    try (Connector connector = connector(sequential().maxInputsPerRequest(1).build())) {
      assertThatThrownBy(() -> connector.embedAll(MODEL, texts(4)))
          .isInstanceOf(AuthenticationException.class);
    }

    assertThat(port.calls()).hasSize(1);
  }

  @Test
  void sumsTheUsageAndCountsEachBatchAsItSucceeds() {
    port.tokensPerInput(3);

    EmbeddingResponse response;
    UsageSnapshot usage;
    try (Connector connector =
        Connectors.builder()
            .provider(EmbeddingsProvider.of(port, new ScriptedImagesPort()))
            .embeddings(sequential().maxInputsPerRequest(2).build())
            .listener(recorder)
            .waits(sleeper, () -> 0.5)
            .build()) {
      response = connector.embedAll(MODEL, texts(5));
      usage = connector.usage().snapshot();
    }

    assertThat(response.usage()).isEqualTo(TokenUsage.of(15, 0));
    assertThat(response.model()).isEqualTo(MODEL + "-answered");
    assertThat(response.requestId()).isEqualTo("req-text-0");
    assertThat(usage.calls()).isEqualTo(3);
    assertThat(usage.forOperation(Operation.EMBEDDINGS)).isEqualTo(TokenUsage.of(15, 0));
    assertThat(recorder.usages)
        .extracting(UsageEvent::requestId)
        .containsExactly("req-text-0", "req-text-2", "req-text-4");
    assertThat(recorder.usages)
        .allSatisfy(event -> assertThat(event.operation()).isEqualTo(Operation.EMBEDDINGS));
    assertThat(recorder.kinds())
        .containsExactly(
            "start", "success", "usage", "start", "success", "usage", "start", "success", "usage");
    assertThat(recorder.events)
        .allSatisfy(
            event -> {
              assertThat(event.operation()).isEqualTo(Operation.EMBEDDINGS);
              assertThat(event.model()).isEqualTo(MODEL);
            });
    assertThat(recorder.events.stream().map(CallEvent::callId).distinct()).hasSize(3);
  }

  @Test
  void everyBatchGetsWhatIsLeftOfTheRequestsTimeout() {
    try (Connector connector = connector(sequential().maxInputsPerRequest(1).build())) {
      connector.embedAll(
          EmbeddingRequest.builder()
              .model(MODEL)
              .inputs(texts(3))
              .timeout(Duration.ofSeconds(5))
              .build());
    }

    List<Long> remaining =
        port.calls().stream()
            .map(ScriptedEmbeddingsPort.Call::remainingNanos)
            .collect(Collectors.toList());
    assertThat(remaining)
        .hasSize(3)
        .allSatisfy(
            nanos ->
                assertThat(nanos)
                    .isPositive()
                    .isLessThanOrEqualTo(Duration.ofSeconds(5).toNanos()));
    assertThat(remaining.get(1)).isLessThanOrEqualTo(remaining.get(0));
    assertThat(remaining.get(2)).isLessThanOrEqualTo(remaining.get(1));
  }

  @Test
  void withoutItsOwnTimeoutARequestHasTheConnectorsCallTimeout() {
    ResilienceOptions resilience =
        ResilienceOptions.builder().callTimeout(Duration.ofSeconds(7)).build();

    try (Connector connector = connector(EmbeddingOptions.defaults(), resilience)) {
      connector.embed(MODEL, "hello");
    }

    assertThat(port.calls().get(0).remainingNanos())
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(7).toNanos());
  }

  @Test
  void aRequestsMaxRetriesReplacesTheConnectors() {
    port.failBatchWith("text-1", 3, () -> serverError("bad gateway"));
    ResilienceOptions noRetries = ResilienceOptions.builder().maxRetries(0).build();

    try (Connector connector =
        connector(sequential().maxInputsPerRequest(1).build(), noRetries)) {
      EmbeddingResponse response =
          connector.embedAll(
              EmbeddingRequest.builder().model(MODEL).inputs(texts(3)).maxRetries(3).build());
      assertInInputOrder(response, texts(3));
    }

    assertThat(port.calls()).hasSize(6);
    assertThat(sleeper.waits()).hasSize(3);
  }

  @Test
  void aBatchAnsweredWithTheWrongNumberOfVectorsFailsNamingItsInputs() {
    port.corruptAnswer(
        "text-2",
        answer ->
            new EmbeddingResponse(
                answer.embeddings().subList(0, 1), answer.model(), answer.usage(), null));

    PartialEmbeddingException partial;
    try (Connector connector = connector(sequential().maxInputsPerRequest(2).build())) {
      partial = catchPartial(() -> connector.embedAll(MODEL, texts(6)));
    }

    assertThat(partial.missingIndices()).containsExactly(2, 3);
    assertThat(partial.getCause())
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("returned 1 vectors for 2 inputs")
        .hasMessageContaining("inputs [2, 4)");
    // Not a failure every batch would meet: the last batch was still sent.
    assertThat(port.calls()).hasSize(3);
  }

  @Test
  void aBatchAnsweredWithARepeatedIndexFailsNamingItsInputs() {
    port.corruptAnswer(
        "text-2",
        answer ->
            new EmbeddingResponse(
                List.of(answer.embeddings().get(0), answer.embeddings().get(0)),
                answer.model(),
                answer.usage(),
                null));

    PartialEmbeddingException partial;
    try (Connector connector = connector(sequential().maxInputsPerRequest(2).build())) {
      partial = catchPartial(() -> connector.embedAll(MODEL, texts(4)));
    }

    assertThat(partial.getCause())
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("index 0 twice")
        .hasMessageContaining("inputs [2, 4)");
  }

  @Test
  void theVectorsAreTheProvidersArraysNotCopies() {
    AtomicReference<EmbeddingResponse> answered = new AtomicReference<>();
    port.corruptAnswer(
        "text-2",
        answer -> {
          answered.set(answer);
          return answer;
        });

    EmbeddingResponse response;
    try (Connector connector = connector(sequential().maxInputsPerRequest(2).build())) {
      response = connector.embedAll(MODEL, texts(4));
    }

    assertThat(response.embeddings().get(2).index()).isEqualTo(2);
    assertThat(response.vector(2)).isSameAs(answered.get().embeddings().get(0).vector());
    assertThat(response.vector(3)).isSameAs(answered.get().embeddings().get(1).vector());
  }

  @Test
  void anInterruptedCallerCancelsTheBatchesStillRunning() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    for (String text : texts(3)) {
      port.holdBatchUntil(text, never);
    }
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();

    try (Connector connector =
        connector(
            EmbeddingOptions.builder().maxInputsPerRequest(1).maxParallelRequests(3).build())) {
      Thread caller =
          new Thread(
              () -> {
                try {
                  connector.embedAll(MODEL, texts(3));
                } catch (RuntimeException e) {
                  thrown.set(e);
                  flagKept.set(Thread.currentThread().isInterrupted());
                }
              });
      caller.start();
      port.awaitCalls(3);
      caller.interrupt();
      caller.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(caller.isAlive()).isFalse();
      // The caller's own batch and the two on the pool's threads.
      port.awaitInterruptedCalls(3);
    } finally {
      never.countDown();
    }

    assertThat(thrown.get()).isInstanceOf(CallInterruptedException.class);
    assertThat(flagKept).isTrue();
  }

  @Test
  void closingTheConnectorStopsItsBatchThreads() throws Exception {
    port.meetInFlight(3);
    Connector connector =
        connector(
            EmbeddingOptions.builder().maxInputsPerRequest(1).maxParallelRequests(3).build());
    connector.embedAll(MODEL, texts(6));
    List<Thread> poolThreads = new ArrayList<>(threadsThatCalled());
    poolThreads.remove(Thread.currentThread());
    assertThat(poolThreads)
        .isNotEmpty()
        .allSatisfy(thread -> assertThat(thread.isDaemon()).isTrue());

    connector.close();

    for (Thread thread : poolThreads) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(thread.isAlive()).as(thread.getName()).isFalse();
    }
    assertThatThrownBy(() -> connector.embed(MODEL, "hello"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aProviderWithoutEmbeddingsIsRefusedWithAHint() {
    Provider provider =
        new EmbeddingsProvider(EnumSet.of(Capability.IMAGE_GENERATION), port, null);

    try (Connector connector = Connectors.builder().provider(provider).build()) {
      assertThatThrownBy(() -> connector.embed(MODEL, "hello"))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("EMBEDDINGS")
          .hasMessageContaining("Capability.EMBEDDINGS")
          .hasMessageContaining("providerId(...)");
      assertThatThrownBy(() -> connector.embedAll(MODEL, texts(3)))
          .isInstanceOf(UnsupportedCapabilityException.class);
    }

    assertThat(port.calls()).isEmpty();
  }

  @Test
  void aProviderThatDeclaresEmbeddingsWithoutAPortIsRefusedWithAHint() {
    Provider provider = new EmbeddingsProvider(EnumSet.of(Capability.EMBEDDINGS), null, null);

    try (Connector connector = Connectors.builder().provider(provider).build()) {
      assertThatThrownBy(() -> connector.embed(MODEL, "hello"))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("EMBEDDINGS")
          .hasMessageContaining("embeddings() is empty")
          .hasMessageContaining("report it to the provider's author");
    }
  }

  private Connector connector(EmbeddingOptions options) {
    return connector(options, ResilienceOptions.defaults());
  }

  private Connector connector(EmbeddingOptions options, ResilienceOptions resilience) {
    return Connectors.builder()
        .provider(EmbeddingsProvider.of(port, new ScriptedImagesPort()))
        .embeddings(options)
        .resilience(resilience)
        .waits(sleeper, () -> 0.5)
        .build();
  }

  private static EmbeddingOptions.Builder sequential() {
    return EmbeddingOptions.builder().maxParallelRequests(1);
  }

  private Set<Thread> threadsThatCalled() {
    Set<Thread> threads = new HashSet<>();
    for (ScriptedEmbeddingsPort.Call call : port.calls()) {
      threads.add(call.thread());
    }
    return threads;
  }

  private static PartialEmbeddingException catchPartial(Runnable call) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(PartialEmbeddingException.class);
    return (PartialEmbeddingException) thrown;
  }

  private static void assertInInputOrder(EmbeddingResponse response, List<String> texts) {
    assertThat(response.embeddings()).hasSize(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      assertThat(response.embeddings().get(i).index()).isEqualTo(i);
      assertThat(response.vector(i)).containsExactly(ScriptedEmbeddingsPort.vectorOf(texts.get(i)));
    }
  }

  private static List<String> texts(int count) {
    return texts(0, count);
  }

  private static List<String> texts(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "text-" + i).collect(Collectors.toList());
  }

  private static ServerException serverError(String message) {
    return new ServerException(message, details(), null);
  }

  private static ErrorDetails details() {
    return ErrorDetails.ofProvider("fake");
  }
}
