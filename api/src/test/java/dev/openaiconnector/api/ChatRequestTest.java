package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatRequestTest {

  static Stream<Arguments> invalidFields() {
    return Stream.of(
        invalid("blank model", b -> b.model("  "), "model must not be blank"),
        invalid("no messages", b -> b.messages(List.of()), "messages must not be empty"),
        invalid(
            "temperature below 0",
            b -> b.temperature(-0.01),
            "temperature must be between 0 and 2"),
        invalid(
            "temperature above 2", b -> b.temperature(2.01), "temperature must be between 0 and 2"),
        invalid(
            "temperature NaN",
            b -> b.temperature(Double.NaN),
            "temperature must be between 0 and 2"),
        invalid(
            "temperature infinite",
            b -> b.temperature(Double.POSITIVE_INFINITY),
            "temperature must be between 0 and 2"),
        invalid("topP below 0", b -> b.topP(-0.1), "topP must be between 0 and 1"),
        invalid("topP above 1", b -> b.topP(1.1), "topP must be between 0 and 1"),
        invalid("topP NaN", b -> b.topP(Double.NaN), "topP must be between 0 and 1"),
        invalid("maxTokens 0", b -> b.maxTokens(0), "maxTokens must be positive"),
        invalid("maxTokens negative", b -> b.maxTokens(-5), "maxTokens must be positive"),
        invalid(
            "frequencyPenalty below -2",
            b -> b.frequencyPenalty(-2.5),
            "frequencyPenalty must be between -2 and 2"),
        invalid(
            "frequencyPenalty above 2",
            b -> b.frequencyPenalty(2.5),
            "frequencyPenalty must be between -2 and 2"),
        invalid(
            "presencePenalty below -2",
            b -> b.presencePenalty(-2.1),
            "presencePenalty must be between -2 and 2"),
        invalid(
            "presencePenalty NaN",
            b -> b.presencePenalty(Double.NaN),
            "presencePenalty must be between -2 and 2"),
        invalid("n 0", b -> b.n(0), "n must be between 1 and 128"),
        invalid("n 129", b -> b.n(129), "n must be between 1 and 128"),
        invalid(
            "five stop sequences",
            b -> b.stop(List.of("a", "b", "c", "d", "e")),
            "stop takes at most 4 sequences"),
        invalid(
            "JSON mode without the word JSON",
            b -> b.responseFormat(ResponseFormat.jsonObject()),
            "responseFormat json_object needs the word \"JSON\""));
  }

  private static Arguments invalid(
      String name, Consumer<ChatRequest.Builder> change, String expected) {
    return Arguments.of(name, change, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFields")
  void rejectsAnInvalidFieldNamingIt(
      String name, Consumer<ChatRequest.Builder> change, String expected) {
    ChatRequest.Builder builder = valid();
    change.accept(builder);

    assertThatThrownBy(builder::build)
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining(expected)
        .satisfies(
            e ->
                assertThat(((RequestValidationException) e).problems())
                    .singleElement()
                    .asString()
                    .contains(expected));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ChatRequest.Builder builder =
        ChatRequest.builder().model("").temperature(3.0).n(0).maxTokens(0);

    assertThatThrownBy(builder::build)
        .isInstanceOf(RequestValidationException.class)
        .hasMessageStartingWith("Invalid request, 5 problems: ")
        .satisfies(
            e ->
                assertThat(((RequestValidationException) e).problems())
                    .hasSize(5)
                    .anySatisfy(p -> assertThat(p).startsWith("model"))
                    .anySatisfy(p -> assertThat(p).startsWith("messages"))
                    .anySatisfy(p -> assertThat(p).startsWith("temperature"))
                    .anySatisfy(p -> assertThat(p).startsWith("n "))
                    .anySatisfy(p -> assertThat(p).startsWith("maxTokens")));
  }

  static Stream<Arguments> validEdges() {
    return Stream.of(
        Arguments.of("temperature 0", (Consumer<ChatRequest.Builder>) b -> b.temperature(0.0)),
        Arguments.of("temperature 2", (Consumer<ChatRequest.Builder>) b -> b.temperature(2.0)),
        Arguments.of("topP 0", (Consumer<ChatRequest.Builder>) b -> b.topP(0.0)),
        Arguments.of("topP 1", (Consumer<ChatRequest.Builder>) b -> b.topP(1.0)),
        Arguments.of("maxTokens 1", (Consumer<ChatRequest.Builder>) b -> b.maxTokens(1)),
        Arguments.of(
            "penalties -2",
            (Consumer<ChatRequest.Builder>) b -> b.frequencyPenalty(-2.0).presencePenalty(-2.0)),
        Arguments.of(
            "penalties 2",
            (Consumer<ChatRequest.Builder>) b -> b.frequencyPenalty(2.0).presencePenalty(2.0)),
        Arguments.of("n 1", (Consumer<ChatRequest.Builder>) b -> b.n(1)),
        Arguments.of("n 128", (Consumer<ChatRequest.Builder>) b -> b.n(128)),
        Arguments.of(
            "four stop sequences",
            (Consumer<ChatRequest.Builder>) b -> b.stop(List.of("a", "b", "c", "d"))),
        Arguments.of(
            "JSON mode with json in the user message",
            (Consumer<ChatRequest.Builder>)
                b -> b.user("answer as json please").responseFormat(ResponseFormat.jsonObject())),
        Arguments.of(
            "JSON mode with JSON in an earlier answer",
            (Consumer<ChatRequest.Builder>)
                b -> b.assistant("Here is the JSON.").responseFormat(ResponseFormat.jsonObject())),
        Arguments.of(
            "unset options",
            (Consumer<ChatRequest.Builder>)
                b -> b.temperature(null).topP(null).maxTokens(null).n(null).seed(null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validEdges")
  void acceptsValuesOnTheEdgeOfTheirRange(String name, Consumer<ChatRequest.Builder> change) {
    ChatRequest.Builder builder = valid();
    change.accept(builder);

    assertThatCode(builder::build).doesNotThrowAnyException();
  }

  @Test
  void keepsEveryValueAndStripsTheModel() {
    ChatRequest request =
        ChatRequest.builder()
            .model(" gpt-4o ")
            .system("Be terse.")
            .user("Hi")
            .temperature(0.5)
            .topP(0.9)
            .maxTokens(100)
            .frequencyPenalty(0.1)
            .presencePenalty(-0.1)
            .stop(List.of("END"))
            .seed(42L)
            .n(2)
            .endUserId("user-1")
            .build();

    assertThat(request.model()).isEqualTo("gpt-4o");
    assertThat(request.messages())
        .containsExactly(new SystemMessage("Be terse."), UserMessage.of("Hi"));
    assertThat(request.temperature()).isEqualTo(0.5);
    assertThat(request.topP()).isEqualTo(0.9);
    assertThat(request.maxTokens()).isEqualTo(100);
    assertThat(request.frequencyPenalty()).isEqualTo(0.1);
    assertThat(request.presencePenalty()).isEqualTo(-0.1);
    assertThat(request.stop()).containsExactly("END");
    assertThat(request.seed()).isEqualTo(42L);
    assertThat(request.n()).isEqualTo(2);
    assertThat(request.endUserId()).isEqualTo("user-1");
    assertThat(request.responseFormat()).isSameAs(ResponseFormat.text());
  }

  @Test
  void toBuilderAndWithResponseFormatDeriveChangedCopies() {
    ChatRequest original =
        valid().system("Reply in JSON.").temperature(0.3).stop(List.of("x")).build();

    ChatRequest json = original.withResponseFormat(ResponseFormat.jsonObject());
    ChatRequest hotter = original.toBuilder().temperature(1.5).build();

    assertThat(json.responseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_OBJECT);
    assertThat(json.messages()).isEqualTo(original.messages());
    assertThat(json.temperature()).isEqualTo(0.3);
    assertThat(hotter.temperature()).isEqualTo(1.5);
    assertThat(hotter.stop()).containsExactly("x");
    assertThat(original.temperature()).isEqualTo(0.3);
  }

  @Test
  void withResponseFormatValidatesTheCopy() {
    ChatRequest plain = valid().build();

    assertThatThrownBy(() -> plain.withResponseFormat(ResponseFormat.jsonObject()))
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("JSON");
  }

  @Test
  void tellsWhetherAnyUserMessageHoldsAnImage() {
    ImagePart cat = ImagePart.ofUrl(URI.create("https://example.com/cat.png"), ImageDetail.LOW);

    assertThat(valid().build().hasImages()).isFalse();
    assertThat(valid().user(ContentPart.text("What is it?"), cat).build().hasImages()).isTrue();
  }

  @Test
  void messagesAreACopyTheBuilderCannotChangeLater() {
    ChatRequest.Builder builder = valid();
    ChatRequest request = builder.build();

    builder.user("Another question");

    assertThat(request.messages()).hasSize(1);
    assertThatThrownBy(() -> request.messages().add(UserMessage.of("x")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toStringLeavesTheConversationOut() {
    ChatRequest request = ChatRequest.builder().model("gpt-4o").user("my card is 4111").build();

    assertThat(request.toString()).contains("gpt-4o", "messages=1").doesNotContain("4111");
  }

  private static ChatRequest.Builder valid() {
    return ChatRequest.builder().model("gpt-4o-mini").user("Hello");
  }

  @Test
  void rejectsSeveralChoicesWithTools() {
    Tool tool =
        Tool.of(new ToolDefinition("lookup", "Looks up", "{\"type\":\"object\"}", false), a -> "");

    assertThatThrownBy(
            () -> ChatRequest.builder().model("m").user("hi").tool(tool).n(3).build())
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("n must be 1");
  }
}
