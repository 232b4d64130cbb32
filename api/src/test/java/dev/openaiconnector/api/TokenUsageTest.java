package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenUsageTest {

  @Test
  void plusAddsEveryCount() {
    TokenUsage sum = new TokenUsage(10, 5, 15, 2, 1).plus(new TokenUsage(100, 50, 150, 20, 10));

    assertThat(sum).isEqualTo(new TokenUsage(110, 55, 165, 22, 11));
  }

  @Test
  void zeroIsTheNeutralElement() {
    TokenUsage usage = new TokenUsage(3, 4, 7, 1, 2);

    assertThat(usage.plus(TokenUsage.ZERO)).isEqualTo(usage);
    assertThat(TokenUsage.ZERO.plus(usage)).isEqualTo(usage);
  }

  @Test
  void ofComputesTheTotal() {
    assertThat(TokenUsage.of(12, 30)).isEqualTo(new TokenUsage(12, 30, 42, 0, 0));
  }

  @Test
  void rejectsNegativeCounts() {
    assertThatThrownBy(() -> new TokenUsage(0, 0, 0, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void minusGivesWhatWasUsedInBetween() {
    TokenUsage before = new TokenUsage(100, 10, 110, 40, 2);
    TokenUsage after = new TokenUsage(250, 30, 280, 90, 5);

    assertThat(after.minus(before)).isEqualTo(new TokenUsage(150, 20, 170, 50, 3));
    assertThat(after.minus(after)).isEqualTo(TokenUsage.ZERO);
    assertThat(before.plus(after.minus(before))).isEqualTo(after);
  }

  @Test
  void minusRefusesALargerUsageNamingTheCount() {
    assertThatThrownBy(() -> TokenUsage.of(5, 10).minus(TokenUsage.of(7, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("promptTokens 7 from 5")
        .hasMessageContaining("subtract the earlier usage from the later one");
  }
}
