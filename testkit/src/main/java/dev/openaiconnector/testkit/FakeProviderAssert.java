package dev.openaiconnector.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Assertions on what a {@link FakeProvider} was asked, and on how its script was used. Start from
 * {@link FakeAssertions#assertThat(FakeProvider)}:
 *
 * <pre>{@code
 * assertThat(fake)
 *     .receivedUserMessage("What is the weather in Paris?")
 *     .receivedToolResult("get_weather", "{\"temperature\":21}")
 *     .usedModel("gpt-4o-mini")
 *     .usedEveryScriptedAnswer();
 * }</pre>
 */
public final class FakeProviderAssert extends AbstractFakeAssert<FakeProviderAssert, FakeProvider> {

  FakeProviderAssert(FakeProvider actual) {
    super(actual, FakeProviderAssert.class);
  }

  @Override
  Received received() {
    return Received.of(actual);
  }

  /**
   * Checks that every scripted answer, of every port, was used.
   *
   * @return this assertion
   */
  public FakeProviderAssert usedEveryScriptedAnswer() {
    isNotNull();
    List<String> left = new ArrayList<>();
    left(left, "FakeChatPort", actual.chat().remaining());
    left(left, "FakeChatStreamPort", actual.streams().remaining());
    left(left, "FakeEmbeddingsPort", actual.embeddingsPort().remaining());
    left(left, "FakeImagesPort", actual.imagesPort().remaining());
    if (!left.isEmpty()) {
      failWithMessage(
          "Expected %s to have used every scripted answer but these are left: %s",
          actual, String.join(", ", left));
    }
    return this;
  }

  /**
   * Checks that the fake refused no unexpected call ({@link FakeProvider#unexpectedCalls()}), even
   * one whose {@link AssertionError} the code under test swallowed.
   *
   * @return this assertion
   */
  public FakeProviderAssert hadNoUnexpectedCalls() {
    isNotNull();
    List<String> unexpected = actual.unexpectedCalls();
    if (!unexpected.isEmpty()) {
      failWithMessage(
          "Expected %s to have had no unexpected call but it refused:%n  %s",
          actual, String.join("\n  ", unexpected));
    }
    return this;
  }

  /**
   * Checks that every stream the fake opened was closed again, as the core must close them even
   * when a consumer stops early or fails.
   *
   * @return this assertion
   */
  public FakeProviderAssert closedEveryStream() {
    isNotNull();
    int opened = actual.streams().openedCount();
    int closed = actual.streams().closedCount();
    if (opened != closed) {
      failWithMessage(
          "Expected %s to have had every stream closed but %s of %s opened stream(s) are still"
              + " open",
          actual, opened - closed, opened);
    }
    return this;
  }

  private static void left(List<String> left, String port, int remaining) {
    if (remaining > 0) {
      left.add(port + " " + remaining);
    }
  }
}
