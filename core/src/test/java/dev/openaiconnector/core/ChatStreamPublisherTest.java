package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.core.testing.HandFedStreams;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.core.testing.RecordingSubscriber;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeChatStreamPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ChatStreamPublisherTest {
  private static final ChatRequest HELLO =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello to Alice").build();
  private static final List<ChatDelta> FIVE_DELTAS =
      FakeChatStreamPort.textDeltas(HELLO, "Hello, Alice", 4);

  private final FakeProvider fake = FakeProvider.create();
  private final Connector connector = Connectors.builder().provider(fake).build();

  @BeforeEach
  void clearLogs() {
    LogCapture.clear();
  }

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void deliversEveryDeltaInOrderThenCompletes() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber = RecordingSubscriber.requesting(Long.MAX_VALUE);

    connector.streamPublisher(HELLO).subscribe(subscriber);

    subscriber.awaitTermination();
    assertThat(subscriber.completed()).isTrue();
    assertThat(subscriber.error()).isNull();
    assertThat(subscriber.received()).containsExactlyElementsOf(FIVE_DELTAS);
    assertThat(subscriber.violations()).isEmpty();
    assertThat(subscriber.signalThreads())
        .singleElement()
        .satisfies(thread -> assertThat(thread.getName()).startsWith("openai-connector-stream-"))
        .satisfies(thread -> assertThat(thread.isDaemon()).isTrue());
    awaitEnd(subscriber);
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(1);
    assertThat(connector.usage().snapshot().forOperation(Operation.CHAT_STREAM))
        .isEqualTo(FIVE_DELTAS.get(4).usage());
  }

  @Test
  void aSubscriptionThatRequestsAfterTheConnectorClosedEndsAsCancelled() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber = RecordingSubscriber.requesting(0);
    connector.streamPublisher(HELLO).subscribe(subscriber);

    connector.close();
    subscriber.request(1);

    subscriber.awaitTermination();
    assertThat(subscriber.error()).isInstanceOf(StreamCancelledException.class);
    assertThat(fake.streams().openedCount()).isZero();
  }

  @Test
  void isColdAndOpensAStreamPerSubscriptionOnlyOnceItIsRequested() throws Exception {
    fake.streams().answerWith(request -> FIVE_DELTAS);
    Flow.Publisher<ChatDelta> publisher = connector.streamPublisher(HELLO);
    RecordingSubscriber first = RecordingSubscriber.requesting(0);
    RecordingSubscriber second = RecordingSubscriber.requesting(0);

    publisher.subscribe(first);
    publisher.subscribe(second);
    assertThat(fake.streams().openedCount()).isZero();

    first.request(Long.MAX_VALUE);
    first.awaitTermination();
    second.request(Long.MAX_VALUE);
    second.awaitTermination();

    assertThat(first.received()).containsExactlyElementsOf(FIVE_DELTAS);
    assertThat(second.received()).containsExactlyElementsOf(FIVE_DELTAS);
    assertThat(fake.streams().requests()).containsExactly(HELLO, HELLO);
  }

  @Test
  void deliversNoMoreThanRequestedOneAtATime() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber = RecordingSubscriber.requesting(1);

    connector.streamPublisher(HELLO).subscribe(subscriber);

    assertThat(subscriber.awaitDelta()).isEqualTo(FIVE_DELTAS.get(0));
    // The thread now waits for demand; a publisher that ignored it would have sent everything.
    awaitWaiting(subscriber.signalThreads().get(0));
    assertThat(subscriber.received()).hasSize(1);
    for (int i = 1; i < FIVE_DELTAS.size(); i++) {
      subscriber.request(1);
      assertThat(subscriber.awaitDelta()).isEqualTo(FIVE_DELTAS.get(i));
    }
    subscriber.awaitTermination();
    assertThat(subscriber.completed()).isTrue();
    assertThat(subscriber.violations()).isEmpty();
  }

  @Test
  void cancellingMidStreamClosesTheSourceAndStopsTheSignals() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber =
        RecordingSubscriber.requesting(1)
            .onEachDelta(
                self -> {
                  if (self.received().size() == 2) {
                    self.cancel();
                  } else {
                    self.request(1);
                  }
                });

    connector.streamPublisher(HELLO).subscribe(subscriber);

    subscriber.awaitDelta();
    subscriber.awaitDelta();
    awaitEnd(subscriber);
    assertThat(subscriber.received()).hasSize(2);
    assertThat(subscriber.completed()).isFalse();
    assertThat(subscriber.error()).isNull();
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(1);
    subscriber.request(1);
    assertThat(subscriber.violations()).isEmpty();
  }

  @Test
  void cancellingWhileTheStreamWaitsForTheModelClosesTheSource() throws Exception {
    HandFedStreams provider = new HandFedStreams();
    try (Connector handFed = Connectors.builder().provider(provider).build()) {
      RecordingSubscriber subscriber = RecordingSubscriber.requesting(Long.MAX_VALUE);
      handFed.streamPublisher(HELLO).subscribe(subscriber);
      HandFedStreams.Source source = provider.awaitOpened();
      source.feed(ChatDelta.ofContent("Hel"));
      subscriber.awaitDelta();
      source.awaitReader();
      source.awaitReader();

      subscriber.cancel();

      awaitEnd(subscriber);
      assertThat(source.isClosed()).isTrue();
      assertThat(subscriber.completed()).isFalse();
      assertThat(subscriber.error()).isNull();
      assertThat(handFed.usage().snapshot().calls()).isZero();
    }
  }

  @Test
  void aFailureOfTheStreamArrivesAsOnErrorAfterTheDeltasBeforeIt() throws Exception {
    ServerException broken = new ServerException("gone", ErrorDetails.ofProvider("fake"), null);
    fake.streams().enqueueFailureAfter(FIVE_DELTAS.subList(0, 2), broken);
    RecordingSubscriber subscriber = RecordingSubscriber.requesting(Long.MAX_VALUE);

    connector.streamPublisher(HELLO).subscribe(subscriber);

    subscriber.awaitTermination();
    assertThat(subscriber.received()).containsExactlyElementsOf(FIVE_DELTAS.subList(0, 2));
    assertThat(subscriber.error()).isSameAs(broken);
    awaitEnd(subscriber);
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(1);
  }

  @Test
  void aFailureToOpenArrivesAsOnError() throws Exception {
    ServerException down = new ServerException("down", ErrorDetails.ofProvider("fake"), null);
    fake.streams().enqueueOpenFailure(down);
    RecordingSubscriber subscriber = RecordingSubscriber.requesting(1);

    connector.streamPublisher(HELLO.toBuilder().maxRetries(0).build()).subscribe(subscriber);

    subscriber.awaitTermination();
    assertThat(subscriber.error()).isSameAs(down);
    assertThat(subscriber.received()).isEmpty();
  }

  @Test
  void aProviderThatCannotStreamIsReportedThroughOnError() throws Exception {
    FakeProvider plain = FakeProvider.withCapabilities("plain", EnumSet.of(Capability.CHAT));
    try (Connector withoutStreams = Connectors.builder().provider(plain).build()) {
      RecordingSubscriber subscriber = RecordingSubscriber.requesting(1);

      withoutStreams.streamPublisher(HELLO).subscribe(subscriber);

      subscriber.awaitTermination();
      assertThat(subscriber.error()).isInstanceOf(UnsupportedCapabilityException.class);
    }
    assertThat(plain.streams().openedCount()).isZero();
  }

  @Test
  void aNonPositiveRequestEndsWithIllegalArgumentBeforeAnyStreamOpens() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber = RecordingSubscriber.requesting(0);
    connector.streamPublisher(HELLO).subscribe(subscriber);

    subscriber.request(0);

    subscriber.awaitTermination();
    assertThat(subscriber.error())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3.9");
    assertThat(fake.streams().openedCount()).isZero();
  }

  @Test
  void aNonPositiveRequestMidStreamEndsItWithIllegalArgumentAndClosesTheSource()
      throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber =
        RecordingSubscriber.requesting(1).onEachDelta(self -> self.request(-1));

    connector.streamPublisher(HELLO).subscribe(subscriber);

    subscriber.awaitTermination();
    assertThat(subscriber.received()).hasSize(1);
    assertThat(subscriber.error()).isInstanceOf(IllegalArgumentException.class);
    awaitEnd(subscriber);
    assertThat(fake.streams().closedCount()).isEqualTo(1);
  }

  @Test
  void signalsNothingBeforeOnSubscribeReturns() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    CountDownLatch delivered = new CountDownLatch(1);
    RecordingSubscriber subscriber =
        RecordingSubscriber.requesting(Long.MAX_VALUE)
            .onEachDelta(self -> delivered.countDown())
            .afterFirstRequest(
                () -> {
                  // Gives a publisher that signals too early the chance to show it.
                  try {
                    delivered.await(200, TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });

    connector.streamPublisher(HELLO).subscribe(subscriber);

    subscriber.awaitTermination();
    assertThat(subscriber.violations()).isEmpty();
    assertThat(subscriber.received()).hasSize(FIVE_DELTAS.size());
  }

  @Test
  void closingTheConnectorEndsAnActiveSubscriptionWithOnError() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber = RecordingSubscriber.requesting(1);
    connector.streamPublisher(HELLO).subscribe(subscriber);
    subscriber.awaitDelta();

    connector.close();

    subscriber.awaitTermination();
    assertThat(subscriber.error()).isInstanceOf(StreamCancelledException.class);
    awaitEnd(subscriber);
    assertThat(fake.streams().closedCount()).isEqualTo(1);
    assertThatThrownBy(() -> connector.streamPublisher(HELLO))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSubscriberThatThrowsIsCancelledAndItsSourceClosed() throws Exception {
    fake.streams().enqueue(FIVE_DELTAS);
    RecordingSubscriber subscriber =
        RecordingSubscriber.requesting(Long.MAX_VALUE)
            .onEachDelta(
                self -> {
                  throw new IllegalStateException("subscriber bug");
                });

    connector.streamPublisher(HELLO).subscribe(subscriber);

    subscriber.awaitDelta();
    awaitEnd(subscriber);
    assertThat(subscriber.received()).hasSize(1);
    assertThat(subscriber.completed()).isFalse();
    assertThat(fake.streams().closedCount()).isEqualTo(1);
    assertThat(LogCapture.events(Level.WARN))
        .extracting(LogCapture.LoggedEvent::message)
        .anySatisfy(
            message ->
                assertThat(message)
                    .contains("threw java.lang.IllegalStateException from onNext")
                    .doesNotContain("subscriber bug"));
  }

  @Test
  void rejectsANullSubscriber() {
    assertThatThrownBy(() -> connector.streamPublisher(HELLO).subscribe(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("subscriber");
  }

  // Waits for the delivery thread to finish, so that what it does last (closing) has happened.
  private static void awaitEnd(RecordingSubscriber subscriber) throws InterruptedException {
    for (Thread thread : subscriber.signalThreads()) {
      thread.join(TimeUnit.SECONDS.toMillis(HandFedStreams.WAIT_SECONDS));
      assertThat(thread.isAlive()).as("delivery thread ended").isFalse();
    }
  }

  // Waits until the thread parks, which the delivery thread does only while it waits for demand.
  private static void awaitWaiting(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HandFedStreams.WAIT_SECONDS);
    while (thread.getState() != Thread.State.WAITING && thread.isAlive()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the delivery thread never waited: " + thread.getState());
      }
      Thread.sleep(1);
    }
  }
}
