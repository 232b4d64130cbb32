package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FinishReasonTest {

  @ParameterizedTest
  @ValueSource(strings = {"stop", "length", "tool_calls", "content_filter", "function_call"})
  void mapsEveryKnownValueToItsConstant(String value) {
    FinishReason reason = FinishReason.of(value);

    assertThat(reason.isKnown()).isTrue();
    assertThat(reason.value()).isEqualTo(value);
    assertThat(FinishReason.of(value)).isSameAs(reason);
  }

  @Test
  void keepsAnUnknownValueAsItCame() {
    FinishReason reason = FinishReason.of("moderated_by_provider");

    assertThat(reason.isKnown()).isFalse();
    assertThat(reason.value()).isEqualTo("moderated_by_provider");
    assertThat(reason).isEqualTo(new FinishReason("moderated_by_provider"));
    assertThat(reason).isNotEqualTo(FinishReason.STOP);
  }

  @Test
  void aConstructedKnownValueIsKnown() {
    assertThat(new FinishReason("stop").isKnown()).isTrue();
  }
}
