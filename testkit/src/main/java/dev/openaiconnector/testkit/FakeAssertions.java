package dev.openaiconnector.testkit;

import java.util.Objects;

/**
 * Entry points of the testkit's AssertJ assertions, which read like the domain:
 *
 * <pre>{@code
 * import static dev.openaiconnector.testkit.FakeAssertions.assertThat;
 *
 * assertThat(fake)                              // a FakeProvider
 *     .receivedUserMessage("What is the weather in Paris?")
 *     .receivedToolResult("get_weather", "{\"temperature\":21}")
 *     .usedModel("gpt-4o-mini");
 * assertThat(server)                            // a FakeOpenAiServer, from the wire
 *     .receivedEmbeddingInputs("first text", "second text");
 * }</pre>
 *
 * <p>They sit next to AssertJ's own {@code Assertions.assertThat}: both can be imported
 * statically, as the argument types differ.
 */
public final class FakeAssertions {
  private FakeAssertions() {}

  /**
   * Starts assertions on a fake provider.
   *
   * @param fake the fake
   * @return the assertion
   */
  public static FakeProviderAssert assertThat(FakeProvider fake) {
    return new FakeProviderAssert(Objects.requireNonNull(fake, "fake"));
  }

  /**
   * Starts assertions on a fake server.
   *
   * @param server the server
   * @return the assertion
   */
  public static FakeOpenAiServerAssert assertThat(FakeOpenAiServer server) {
    return new FakeOpenAiServerAssert(Objects.requireNonNull(server, "server"));
  }
}
