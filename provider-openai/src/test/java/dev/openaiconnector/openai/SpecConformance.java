package dev.openaiconnector.openai;

import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.RecordedRequest;

/**
 * Validates every chat request the provider sent in a test against {@code
 * CreateChatCompletionRequest} of the official OpenAI description.
 */
final class SpecConformance {
  private SpecConformance() {}

  static void assertRequestsConform(FakeOpenAiServer server) {
    for (RecordedRequest request : server.requests()) {
      if (request.path().endsWith("/chat/completions")) {
        OpenApiSpec.openAi().assertValid("CreateChatCompletionRequest", request.body());
      }
    }
  }
}
