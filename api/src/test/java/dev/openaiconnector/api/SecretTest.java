package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretTest {

  @Test
  void toStringNeverShowsTheValue() {
    Secret secret = Secret.of("sk-proj-abcdef123456");

    assertThat(secret).hasToString("Secret[****]");
    assertThat(String.valueOf(secret)).doesNotContain("abcdef");
  }

  @Test
  void revealsTheStrippedValue() {
    assertThat(Secret.of("  sk-123\n").reveal()).isEqualTo("sk-123");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\t"})
  void rejectsABlankValue(String value) {
    assertThatThrownBy(() -> Secret.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
  }

  @Test
  void equalByValue() {
    assertThat(Secret.of("a"))
        .isEqualTo(Secret.of(" a "))
        .hasSameHashCodeAs(Secret.of("a"))
        .isNotEqualTo(Secret.of("b"));
  }
}
