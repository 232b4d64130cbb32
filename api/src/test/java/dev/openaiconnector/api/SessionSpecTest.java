package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionSpecTest {

  @Test
  void hasBoundedMemoryAndNoIdByDefault() {
    SessionSpec spec = SessionSpec.builder().model(" gpt-4o ").build();

    assertThat(spec.model()).isEqualTo("gpt-4o");
    assertThat(spec.id()).isEmpty();
    assertThat(spec.system()).isEmpty();
    assertThat(spec.maxMessages()).isEqualTo(SessionSpec.DEFAULT_MAX_MESSAGES);
    assertThat(spec.maxMemoryTokens()).isZero();
  }

  @Test
  void reportsEveryProblemAtOnce() {
    SessionSpec.Builder builder =
        SessionSpec.builder().id(" ").model("").maxMessages(1).maxMemoryTokens(-1);

    assertThatThrownBy(builder::build)
        .isInstanceOf(RequestValidationException.class)
        .satisfies(
            e ->
                assertThat(((RequestValidationException) e).problems())
                    .hasSize(4)
                    .anySatisfy(p -> assertThat(p).startsWith("model"))
                    .anySatisfy(p -> assertThat(p).startsWith("id"))
                    .anySatisfy(p -> assertThat(p).startsWith("maxMessages"))
                    .anySatisfy(p -> assertThat(p).startsWith("maxMemoryTokens")));
  }

  @Test
  void appliesItsRequestOptionsToARequestBuilder() {
    SessionSpec spec =
        SessionSpec.builder().model("gpt-4o").requestOptions(o -> o.temperature(0.1)).build();
    ChatRequest.Builder request = ChatRequest.builder().model("gpt-4o").user("Hi");

    spec.applyRequestOptions(request);

    assertThat(request.build().temperature()).isEqualTo(0.1);
  }

  @Test
  void toStringLeavesTheSystemPromptOut() {
    SessionSpec spec =
        SessionSpec.builder().id("s-1").model("gpt-4o").system("Secret instructions").build();

    assertThat(spec.toString()).contains("s-1", "gpt-4o").doesNotContain("Secret instructions");
  }
}
