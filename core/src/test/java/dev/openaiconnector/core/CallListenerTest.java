package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ContentFilterResult;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.core.testing.InstrumentedProvider;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.core.testing.RecordingSleeper;
import dev.openaiconnector.core.testing.ToolFixtures;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class CallListenerTest {
  private static final ChatRequest HELLO =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello").build();

  private final FakeProvider fake = FakeProvider.create();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final Recorder recorder = new Recorder();

  @BeforeEach
  void clearLogs() {
    LogCapture.clear();
  }

  @Test
  void aSuccessfulCallStartsSucceedsAndReportsItsUsage() {
    fake.chat()
        .enqueue(
            FakeChatPort.textAnswer(HELLO, "Hello").toBuilder()
                .model("gpt-4o-mini-2024-07-18")
                .requestId("req-1")
                .usage(TokenUsage.of(12, 3))
                .build());

    try (Connector connector = connector(fake)) {
      connector.chat(HELLO);
    }

    assertThat(recorder.kinds()).containsExactly("start", "success", "usage");
    CallEvent start = recorder.events.get(0);
    CallEvent success = recorder.events.get(1);
    assertThat(start.attempt()).isEqualTo(1);
    assertThat(start.operation()).isEqualTo(Operation.CHAT);
    assertThat(start.model()).isEqualTo("gpt-4o-mini");
    assertThat(start.providerId()).isEqualTo("fake");
    assertThat(start.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(success.callId()).isEqualTo(start.callId());
    assertThat(success.attempt()).isEqualTo(1);
    assertThat(success.requestId()).isEqualTo("req-1");
    assertThat(success.responseModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(success.usage()).isEqualTo(TokenUsage.of(12, 3));
    assertThat(success.failure()).isNull();
    assertThat(recorder.usages).singleElement().extracting(UsageEvent::requestId).isEqualTo("req-1");
  }

  @Test
  void aRetriedCallReportsEachRetryWithItsFailureAndWait() {
    ServerException down = new ServerException("down", ErrorDetails.ofProvider("fake"), null);
    fake.chat().enqueueFailure(down).enqueueText("Hello");

    try (Connector connector = connector(fake)) {
      connector.chat(HELLO);
    }

    assertThat(recorder.kinds()).containsExactly("start", "retry", "success", "usage");
    CallEvent retry = recorder.events.get(1);
    assertThat(retry.attempt()).isEqualTo(1);
    assertThat(retry.failure()).isSameAs(down);
    assertThat(retry.retryDelay()).isEqualTo(sleeper.waits().get(0));
    assertThat(recorder.events.get(2).attempt()).isEqualTo(2);
  }

  @Test
  void aFailedCallReportsItsFinalFailureAndNoUsage() {
    AuthenticationException refused =
        new AuthenticationException("bad key", ErrorDetails.ofProvider("fake"), null);
    fake.chat().enqueueFailure(refused);

    try (Connector connector = connector(fake)) {
      assertThatThrownBy(() -> connector.chat(HELLO)).isSameAs(refused);
    }

    assertThat(recorder.kinds()).containsExactly("start", "failure");
    CallEvent failure = recorder.events.get(1);
    assertThat(failure.failure()).isSameAs(refused);
    assertThat(failure.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(failure.retryDelay()).isNull();
  }

  @Test
  void eachCallGetsItsOwnId() {
    fake.chat().enqueueText("one").enqueueText("two");

    try (Connector connector = connector(fake)) {
      connector.chat(HELLO);
      connector.chat(HELLO);
    }

    assertThat(recorder.events.get(0).callId()).isNotEqualTo(recorder.events.get(2).callId());
  }

  @Test
  void aStreamSucceedsWhenItEndsWithItsUsage() {
    fake.streams().enqueueText("Hello there", 4);

    try (Connector connector = connector(fake);
        ChatStream stream = connector.stream(HELLO)) {
      stream.response();
    }

    assertThat(recorder.kinds()).containsExactly("start", "success", "usage");
    CallEvent success = recorder.events.get(1);
    assertThat(success.operation()).isEqualTo(Operation.CHAT_STREAM);
    assertThat(success.usage().completionTokens()).isPositive();
    assertThat(success.requestId()).isEqualTo("req_fake_stream_1");
  }

  @Test
  void aStreamClosedBeforeItsEndFails() {
    fake.streams().enqueueText("Hello there", 4);

    try (Connector connector = connector(fake)) {
      connector.stream(HELLO).close();
    }

    assertThat(recorder.kinds()).containsExactly("start", "failure");
  }

  @Test
  void aThrowingListenerIsLoggedByClassAndTheCallGoesOn() {
    fake.chat().enqueueText("Hello");
    CallListener throwing =
        new CallListener() {
          @Override
          public void onStart(CallEvent event) {
            throw new IllegalStateException("secret detail");
          }
        };

    try (Connector connector =
        Connectors.builder().provider(fake).listener(throwing).listener(recorder).build()) {
      assertThat(connector.chat(HELLO).content()).isEqualTo("Hello");
    }

    assertThat(recorder.kinds()).containsExactly("start", "success", "usage");
    assertThat(LogCapture.events(Level.WARN))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.fullText())
                    .contains("IllegalStateException")
                    .doesNotContain("secret detail"));
  }

  @Test
  void anAssembledStreamCarriesTheRateLimitsOfItsLastRound() {
    InstrumentedProvider provider = new InstrumentedProvider(fake);
    RateLimits first = new RateLimits(100L, 99L, Duration.ofSeconds(1), null, null, null);
    RateLimits last = new RateLimits(100L, 98L, Duration.ofSeconds(1), null, null, null);
    provider.nextStreamRateLimits(first).nextStreamRateLimits(last);
    fake.streams()
        .enqueue(
            List.of(
                new ChatDelta(
                    0,
                    null,
                    null,
                    List.of(new ToolCallDelta(0, "call_1", "get_weather", "{}")),
                    FinishReason.TOOL_CALLS,
                    null),
                new ChatDelta(0, null, null, List.of(), null, TokenUsage.of(5, 5))))
        .enqueueText("21 degrees", 4);
    Tool weather = ToolFixtures.tool("get_weather", arguments -> "{\"celsius\":21}");

    try (Connector connector = connector(provider);
        ChatStream stream = connector.stream(ToolFixtures.request(weather).build())) {
      assertThat(stream.response().rateLimits()).isEqualTo(last);
    }
  }

  @Test
  void anAssembledStreamCarriesTheProvidersContentFilterReport() {
    InstrumentedProvider provider = new InstrumentedProvider(fake);
    ContentFilterReport report =
        new ContentFilterReport(
            List.of(new ContentFilterResult("hate", false, "safe", null)),
            Map.of(0, List.of(new ContentFilterResult("violence", true, "high", null))));
    provider.nextStreamContentFilter(report);
    fake.streams().enqueueText("Sorry", 4);

    try (Connector connector = connector(provider);
        ChatStream stream = connector.stream(ChatRequest.builder().model("m").user("hi").build())) {
      assertThat(stream.response().contentFilter()).isEqualTo(report);
      assertThat(stream.response().contentFilter().filtered()).isTrue();
    }
  }

  private Connector connector(Provider provider) {
    return Connectors.builder()
        .provider(provider)
        .listener(recorder)
        .waits(sleeper, () -> 0.5)
        .build();
  }

  /** Records every event in order. */
  static final class Recorder implements CallListener {
    final List<CallEvent> events = new CopyOnWriteArrayList<>();
    final List<UsageEvent> usages = new CopyOnWriteArrayList<>();
    final List<String> kinds = new CopyOnWriteArrayList<>();

    @Override
    public void onStart(CallEvent event) {
      events.add(event);
      kinds.add("start");
    }

    @Override
    public void onRetry(CallEvent event) {
      events.add(event);
      kinds.add("retry");
    }

    @Override
    public void onSuccess(CallEvent event) {
      events.add(event);
      kinds.add("success");
    }

    @Override
    public void onFailure(CallEvent event) {
      events.add(event);
      kinds.add("failure");
    }

    @Override
    public void onUsage(UsageEvent event) {
      usages.add(event);
      kinds.add("usage");
    }

    List<String> kinds() {
      return List.copyOf(kinds);
    }
  }
}
