package dev.openaiconnector.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Assertions on what a {@link FakeOpenAiServer} received, read from the JSON bodies of the chat
 * completions, embeddings and image generation requests on every layout (OpenAI's and Azure's).
 * Start from {@link FakeAssertions#assertThat(FakeOpenAiServer)}:
 *
 * <pre>{@code
 * assertThat(server)
 *     .receivedUserMessage("Hello")
 *     .usedModel("gpt-4o-mini")
 *     .everyRequestHadHeader("Authorization", "Bearer sk-test");
 * }</pre>
 *
 * <p>Reading the requests does not take them: {@link FakeOpenAiServer#takeRequest()} still returns
 * them afterwards.
 */
public final class FakeOpenAiServerAssert
    extends AbstractFakeAssert<FakeOpenAiServerAssert, FakeOpenAiServer> {

  FakeOpenAiServerAssert(FakeOpenAiServer actual) {
    super(actual, FakeOpenAiServerAssert.class);
  }

  @Override
  Received received() {
    return Received.of(actual.requests());
  }

  /**
   * Checks how many HTTP requests of any kind the server received.
   *
   * @param count the expected number
   * @return this assertion
   */
  public FakeOpenAiServerAssert receivedRequests(int count) {
    isNotNull();
    List<RecordedRequest> requests = actual.requests();
    if (requests.size() != count) {
      failWithMessage(
          "Expected %s to have received %s request(s) but it received %s: %s",
          actual, count, requests.size(), requestLines(requests));
    }
    return this;
  }

  /**
   * Checks that a request had this method and path (the query left out), such as {@code POST} and
   * {@code /v1/embeddings}.
   *
   * @param method the HTTP method
   * @param path the path, without the query
   * @return this assertion
   */
  public FakeOpenAiServerAssert receivedRequestTo(String method, String path) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    isNotNull();
    List<RecordedRequest> requests = actual.requests();
    for (RecordedRequest request : requests) {
      if (request.method().equals(method) && pathOf(request).equals(path)) {
        return this;
      }
    }
    failWithMessage(
        "Expected %s to have received %s %s but it received: %s",
        actual, method, path, requestLines(requests));
    return this;
  }

  /**
   * Checks that every request carried this header with exactly this value, such as {@code
   * Authorization} and {@code Bearer sk-test}. The failure names the requests without it, never
   * the values they had, which may be keys.
   *
   * @param name the header's name, in any case
   * @param value its value
   * @return this assertion
   */
  public FakeOpenAiServerAssert everyRequestHadHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    isNotNull();
    List<RecordedRequest> requests = actual.requests();
    List<String> without = new ArrayList<>();
    for (RecordedRequest request : requests) {
      if (!request.header(name).map(value::equals).orElse(false)) {
        without.add(request.method() + " " + pathOf(request));
      }
    }
    if (requests.isEmpty() || !without.isEmpty()) {
      failWithMessage(
          "Expected every request to %s to have had the header %s with the expected value but %s",
          actual,
          name,
          requests.isEmpty() ? "it received none" : "these did not: " + without);
    }
    return this;
  }

  private static String pathOf(RecordedRequest request) {
    String path = request.path();
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  private static String requestLines(List<RecordedRequest> requests) {
    if (requests.isEmpty()) {
      return "(none)";
    }
    List<String> lines = new ArrayList<>();
    for (RecordedRequest request : requests) {
      lines.add(request.method() + " " + pathOf(request));
    }
    return String.join(", ", lines);
  }
}
