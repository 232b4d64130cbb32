package dev.openaiconnector.openai;

import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.RecordedRequest;

/**
 * Validates every request the provider sent in a test against the official OpenAI description:
 * {@code CreateChatCompletionRequest}, {@code CreateEmbeddingRequest}, {@code CreateImageRequest}.
 */
final class SpecConformance {
  private SpecConformance() {}

  static void assertRequestsConform(FakeOpenAiServer server) {
    for (RecordedRequest request : server.requests()) {
      if (request.path().endsWith("/chat/completions")) {
        OpenApiSpec.openAi().assertValid("CreateChatCompletionRequest", request.body());
      } else if (request.path().endsWith("/embeddings")) {
        OpenApiSpec.openAi().assertValid("CreateEmbeddingRequest", request.body());
      } else if (request.path().endsWith("/images/generations")) {
        OpenApiSpec.openAi().assertValid("CreateImageRequest", request.body());
      }
    }
  }
}
