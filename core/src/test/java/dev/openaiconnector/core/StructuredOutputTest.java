package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ModelRefusalException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.StructuredOutputException;
import dev.openaiconnector.api.StructuredResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.core.internal.JsonSchemas;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.EnumSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {
  private static final ChatRequest REQUEST =
      ChatRequest.builder()
          .model("gpt-4o-mini")
          .system("You extract facts.")
          .user("Paris is the capital of France, population 2.1 million.")
          .build();

  @Description("A city and its country")
  record City(String name, String country, double populationMillions, List<String> tags) {}

  private final FakeProvider fake = FakeProvider.create();
  private final Connector connector = Connectors.builder().provider(fake).build();

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void asksForTheTypesStrictSchemaAndKeepsTheRestOfTheRequest() {
    fake.chat().enqueue(answer(PARIS, null, FinishReason.STOP));

    ChatRequest jsonMode =
        REQUEST.toBuilder()
            .system("Answer in JSON.")
            .responseFormat(ResponseFormat.jsonObject())
            .build();

    connector.chat(jsonMode, City.class);

    ChatRequest sent = fake.chat().lastRequest();
    assertThat(sent.responseFormat())
        .isEqualTo(
            ResponseFormat.jsonSchema(
                "City", JsonSchemas.forType(City.class, true).json(), true));
    assertThat(sent.responseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(sent.model()).isEqualTo("gpt-4o-mini");
    assertThat(sent.messages()).isEqualTo(jsonMode.messages());
  }

  @Test
  void returnsTheAnswerParsedIntoTheType() {
    ChatResponse response = answer(PARIS, null, FinishReason.STOP);
    fake.chat().enqueue(response);

    StructuredResponse<City> city = connector.chat(REQUEST, City.class);

    assertThat(city.value()).isEqualTo(new City("Paris", "France", 2.1, List.of("capital")));
    assertThat(city.refusal()).isEmpty();
    assertThat(city.response()).isSameAs(response);
    assertThat(connector.usage().snapshot().total().totalTokens()).isEqualTo(15);
  }

  @Test
  void returnsTheRefusalAndThrowsOnlyWhenTheValueIsAskedFor() {
    fake.chat().enqueue(answer(null, "I can't help with that.", FinishReason.STOP));

    StructuredResponse<City> city = connector.chat(REQUEST, City.class);

    assertThat(city.refusal()).contains("I can't help with that.");
    assertThatThrownBy(city::value)
        .isInstanceOfSatisfying(
            ModelRefusalException.class,
            e -> assertThat(e.refusal()).isEqualTo("I can't help with that."));
  }

  @Test
  void rejectsAnAnswerThatIsNotJsonKeepingTheContentOutOfTheMessage() {
    fake.chat().enqueue(answer("Paris, France (secret)", null, FinishReason.STOP));

    assertThatThrownBy(() -> connector.chat(REQUEST, City.class))
        .isInstanceOfSatisfying(
            StructuredOutputException.class,
            e -> {
              assertThat(e.rawContent()).isEqualTo("Paris, France (secret)");
              assertThat(e.getCause()).isNull();
            })
        .hasMessageStartingWith("the answer is not valid JSON")
        .hasMessageNotContaining("secret");
  }

  @Test
  void saysWhenTheAnswerWasCutAtTheTokenLimit() {
    fake.chat().enqueue(answer("{\"name\":\"Par", null, FinishReason.LENGTH));

    assertThatThrownBy(() -> connector.chat(REQUEST, City.class))
        .isInstanceOf(StructuredOutputException.class)
        .hasMessageContaining("finish_reason=length");
  }

  @Test
  void rejectsAnAnswerThatDoesNotMatchTheSchemaNamingThePaths() {
    String content = "{\"name\":\"Paris\",\"populationMillions\":\"many\",\"tags\":[]}";
    fake.chat().enqueue(answer(content, null, FinishReason.STOP));

    assertThatThrownBy(() -> connector.chat(REQUEST, City.class))
        .isInstanceOfSatisfying(
            StructuredOutputException.class, e -> assertThat(e.rawContent()).isEqualTo(content))
        .hasMessage(
            "the answer does not match the schema of City: $.country: is required;"
                + " $.populationMillions: expected number, got string")
        .hasMessageNotContaining("many");
  }

  @Test
  void rejectsAnEmptyAnswer() {
    fake.chat().enqueue(answer(null, null, FinishReason.STOP));

    assertThatThrownBy(() -> connector.chat(REQUEST, City.class))
        .isInstanceOfSatisfying(
            StructuredOutputException.class, e -> assertThat(e.rawContent()).isEmpty())
        .hasMessageStartingWith("the answer is empty");
  }

  record Counter(int count) {}

  @Test
  void rejectsAnAnswerThatDoesNotFitTheJavaType() {
    fake.chat().enqueue(answer("{\"count\":3000000000}", null, FinishReason.STOP));

    assertThatThrownBy(() -> connector.chat(REQUEST, Counter.class))
        .isInstanceOf(StructuredOutputException.class)
        .hasMessage("the answer does not fit Counter: $.count: is out of range");
  }

  @Test
  void rejectsAProviderWithoutStructuredOutputBeforeAnyRequest() {
    FakeProvider limited =
        FakeProvider.withCapabilities("limited", EnumSet.of(Capability.CHAT, Capability.JSON_MODE));

    try (Connector plain = Connectors.builder().provider(limited).build()) {
      assertThatThrownBy(() -> plain.chat(REQUEST, City.class))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("Provider 'limited' does not support STRUCTURED_OUTPUT")
          .hasMessageContaining("ResponseFormat.jsonObject()");
      ChatRequest withSchema =
          REQUEST.withResponseFormat(ResponseFormat.jsonSchema("City", "{}", true));
      assertThatThrownBy(() -> plain.chat(withSchema))
          .isInstanceOf(UnsupportedCapabilityException.class);
    }
    assertThat(limited.chat().requests()).isEmpty();
  }

  @Test
  void rejectsATypeThatIsNotAnObjectBeforeAnyRequest() {
    assertThatThrownBy(() -> connector.chat(REQUEST, String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use a record or a class with fields");
    assertThat(fake.chat().requests()).isEmpty();
  }

  private static final String PARIS =
      "{\"name\":\"Paris\",\"country\":\"France\",\"populationMillions\":2.1,"
          + "\"tags\":[\"capital\"]}";

  private static ChatResponse answer(
      @Nullable String content, @Nullable String refusal, FinishReason finishReason) {
    return ChatResponse.builder()
        .id("chatcmpl-1")
        .model("gpt-4o-mini")
        .choice(new Choice(0, new AssistantMessage(content, List.of(), refusal), finishReason))
        .usage(TokenUsage.of(10, 5))
        .build();
  }
}
