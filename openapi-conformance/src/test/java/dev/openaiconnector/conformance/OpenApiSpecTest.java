package dev.openaiconnector.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class OpenApiSpecTest {
  private static final String CHAT_REQUEST = "CreateChatCompletionRequest";
  private static final String CHAT_RESPONSE = "CreateChatCompletionResponse";
  private static final String MINIMAL_REQUEST =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String MINIMAL_RESPONSE =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
          + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\",\"refusal\":null},"
          + "\"logprobs\":null,\"finish_reason\":\"stop\"}]}";

  @Test
  void acceptsMinimalChatRequest() {
    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, MINIMAL_REQUEST)).isEmpty();
  }

  @Test
  void rejectsChatRequestWithoutMessages() {
    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, "{\"model\":\"gpt-4o-mini\"}"))
        .anySatisfy(violation -> assertThat(violation).contains("messages"));
  }

  @Test
  void rejectsTemperatureAboveTwo() {
    String json = MINIMAL_REQUEST.replace("{\"model\"", "{\"temperature\":3,\"model\"");

    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, json))
        .anySatisfy(violation -> assertThat(violation).contains("temperature"));
  }

  @Test
  void rejectsUnknownMessageRole() {
    String json = MINIMAL_REQUEST.replace("\"user\"", "\"wizard\"");

    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, json)).isNotEmpty();
  }

  @Test
  void acceptsNullWhereTheSpecSaysNullable() {
    String json =
        MINIMAL_REQUEST.replace(
            "{\"model\"",
            "{\"max_completion_tokens\":null,\"temperature\":null,\"n\":null,"
                + "\"logit_bias\":null,\"prediction\":null,\"model\"");

    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, json)).isEmpty();
  }

  @Test
  void stillRejectsWrongTypeWhereTheSpecSaysNullable() {
    String json =
        MINIMAL_REQUEST.replace("{\"model\"", "{\"max_completion_tokens\":\"ten\",\"model\"");

    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, json))
        .anySatisfy(violation -> assertThat(violation).contains("max_completion_tokens"));
  }

  @Test
  void acceptsNullInNullableEnumButNotAnUnlistedValue() {
    String chunk =
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":%s}]}";
    OpenApiSpec spec = OpenApiSpec.openAi();

    assertThat(spec.validate("CreateChatCompletionStreamResponse", String.format(chunk, "null")))
        .isEmpty();
    assertThat(
            spec.validate("CreateChatCompletionStreamResponse", String.format(chunk, "\"done\"")))
        .anySatisfy(violation -> assertThat(violation).contains("finish_reason"));
  }

  @Test
  void acceptsMinimalChatResponse() {
    assertThat(OpenApiSpec.openAi().validate(CHAT_RESPONSE, MINIMAL_RESPONSE)).isEmpty();
  }

  @Test
  void rejectsChatResponseWithoutChoices() {
    String json = MINIMAL_RESPONSE.replaceAll(",\"choices\":.*}$", "}");

    assertThat(OpenApiSpec.openAi().validate(CHAT_RESPONSE, json))
        .anySatisfy(violation -> assertThat(violation).contains("choices"));
  }

  @Test
  void acceptsTheSpecsOwnChatResponseExample() {
    OpenApiSpec spec = OpenApiSpec.openAi();
    String example = spec.schemaNode(CHAT_RESPONSE).path("x-oaiMeta").path("example").asString();

    assertThat(example).contains("chat.completion");
    assertThat(spec.validate(CHAT_RESPONSE, example)).isEmpty();
  }

  @Test
  void acceptsOpenAiErrorBody() {
    String json =
        "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
            + "\"param\":null,\"code\":\"invalid_api_key\"}}";

    assertThat(OpenApiSpec.openAi().validate("ErrorResponse", json)).isEmpty();
    assertThat(OpenApiSpec.openAi().validate("ErrorResponse", "{\"error\":{\"message\":\"x\"}}"))
        .isNotEmpty();
  }

  @Test
  void reportsInvalidJsonAsAViolation() {
    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, "{\"model\":"))
        .singleElement()
        .asString()
        .contains("not valid JSON");
    assertThat(OpenApiSpec.openAi().validate(CHAT_REQUEST, ""))
        .singleElement()
        .asString()
        .contains("not valid JSON");
  }

  @Test
  void assertValidListsViolationsAndTheDocument() {
    // Loaded outside the lambda: a missing spec must skip the test, not satisfy the assertion.
    OpenApiSpec spec = OpenApiSpec.openAi();

    assertThatThrownBy(() -> spec.assertValid(CHAT_REQUEST, "{\"model\":\"m\"}"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(CHAT_REQUEST)
        .hasMessageContaining("messages")
        .hasMessageContaining("JSON: {\"model\":\"m\"}");
  }

  @Test
  void assertValidCutsALongDocument() {
    String longJson = "{\"model\":\"" + "x".repeat(20_000) + "\"}";
    OpenApiSpec spec = OpenApiSpec.openAi();

    assertThatThrownBy(() -> spec.assertValid(CHAT_REQUEST, longJson))
        .hasMessageContaining("more characters")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(10_000));
  }

  @Test
  void rejectsUnknownSchemaName() {
    OpenApiSpec spec = OpenApiSpec.openAi();

    assertThatThrownBy(() -> spec.validate("NoSuchSchema", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoSuchSchema");
  }

  @Test
  void parsesTheSpecOncePerJvm() {
    assertThat(OpenApiSpec.openAi()).isSameAs(OpenApiSpec.openAi());
    assertThat(OpenApiSpec.openAi().schemaNames()).contains(CHAT_REQUEST, CHAT_RESPONSE);
  }

  @Test
  void rewritesEveryOpenApi30Keyword() {
    SpecNormalizer.Rewrites rewrites = OpenApiSpec.openAi().rewrites();

    assertThat(rewrites.nullableTypes()).isPositive();
    assertThat(rewrites.nullableWrapped()).isPositive();
    assertThat(rewrites.nullableAllOfMembers()).isPositive();
    assertThat(rewrites.bounds()).isPositive();
  }

  @Test
  void loadsTheAzureSpec() {
    OpenApiSpec azure = OpenApiSpec.azure();

    assertThat(azure.schemaNames()).contains("createChatCompletionRequest");
    assertThat(azure.validate("createChatCompletionRequest", MINIMAL_REQUEST)).isEmpty();
    assertThat(azure.validate("createChatCompletionRequest", "{\"model\":\"m\"}")).isNotEmpty();
  }

  @Test
  void missingSpecSkipsTheTestOutsideCi(@TempDir Path folder) {
    assertThatThrownBy(() -> OpenApiSpec.locate("OpenAI", folder.toString(), "openai.yaml", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("OpenAI spec not found at " + folder.resolve("openai.yaml"))
        .hasMessageContaining("set -Dopenapi.dir=<folder with openai.yaml>");
  }

  @Test
  void missingSpecFailsOnCi(@TempDir Path folder) {
    assertThatThrownBy(() -> OpenApiSpec.locate("OpenAI", folder.toString(), "openai.yaml", true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("openapi.dir")
        .hasMessageContaining(folder.resolve("openai.yaml").toString());
  }

  @Test
  void unsetPropertySkipsTheTestNamingTheProperty() {
    assertThatThrownBy(() -> OpenApiSpec.locate("OpenAI", null, "openai.yaml", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("openapi.dir is not set");
  }

  @Test
  void findsAnExistingSpecFile(@TempDir Path folder) throws Exception {
    Path file = Files.writeString(folder.resolve("openai.yaml"), "openapi: 3.1.0\n");

    assertThat(OpenApiSpec.locate("OpenAI", folder.toString(), "openai.yaml", true))
        .isEqualTo(file.toAbsolutePath().normalize());
  }
}
