package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class ResilienceOptionsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    ResilienceOptions options = ResilienceOptions.defaults();

    assertThat(options.maxRetries()).isEqualTo(2);
    assertThat(options.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.backoffMultiplier()).isEqualTo(2.0);
    assertThat(options.maxBackoff()).isEqualTo(Duration.ofSeconds(8));
    assertThat(options.maxRetryAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.callTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(options.attemptTimeout()).isEmpty();
    assertThat(options.circuitBreakerEnabled()).isTrue();
    assertThat(options.failureRateThreshold()).isEqualTo(50f);
    assertThat(options.slidingWindowSize()).isEqualTo(20);
    assertThat(options.minimumNumberOfCalls()).isEqualTo(10);
    assertThat(options.circuitOpenDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.permittedCallsInHalfOpenState()).isEqualTo(3);
    assertThat(options.maxConcurrentCalls()).isEqualTo(100);
    assertThat(options.maxBulkheadWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.requestsPerMinute()).isZero();
    assertThat(options.maxRateLimiterWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void toBuilderKeepsEveryValue() {
    ResilienceOptions options =
        ResilienceOptions.builder()
            .maxRetries(5)
            .attemptTimeout(Duration.ofSeconds(20))
            .circuitBreakerEnabled(false)
            .requestsPerMinute(60)
            .build();

    assertThat(options.toBuilder().build()).hasToString(options.toString());
    assertThat(options.toBuilder().maxRetries(1).build().requestsPerMinute()).isEqualTo(60);
  }

  @Test
  void rejectsBadValuesWhereTheyAreSetNamingTheOption() {
    ResilienceOptions.Builder builder = ResilienceOptions.builder();

    assertThatThrownBy(() -> builder.maxRetries(-1)).hasMessageContaining("maxRetries");
    assertThatThrownBy(() -> builder.initialBackoff(Duration.ofMillis(-1)))
        .hasMessageContaining("initialBackoff");
    assertThatThrownBy(() -> builder.backoffMultiplier(0.5))
        .hasMessageContaining("backoffMultiplier");
    assertThatThrownBy(() -> builder.backoffMultiplier(Double.NaN))
        .hasMessageContaining("backoffMultiplier");
    assertThatThrownBy(() -> builder.callTimeout(Duration.ZERO)).hasMessageContaining("callTimeout");
    assertThatThrownBy(() -> builder.attemptTimeout(Duration.ZERO))
        .hasMessageContaining("attemptTimeout");
    assertThatThrownBy(() -> builder.failureRateThreshold(0))
        .hasMessageContaining("failureRateThreshold");
    assertThatThrownBy(() -> builder.failureRateThreshold(101))
        .hasMessageContaining("failureRateThreshold");
    assertThatThrownBy(() -> builder.slidingWindowSize(0)).hasMessageContaining("slidingWindowSize");
    assertThatThrownBy(() -> builder.minimumNumberOfCalls(0))
        .hasMessageContaining("minimumNumberOfCalls");
    assertThatThrownBy(() -> builder.circuitOpenDuration(Duration.ZERO))
        .hasMessageContaining("circuitOpenDuration");
    assertThatThrownBy(() -> builder.permittedCallsInHalfOpenState(0))
        .hasMessageContaining("permittedCallsInHalfOpenState");
    assertThatThrownBy(() -> builder.maxConcurrentCalls(0))
        .hasMessageContaining("maxConcurrentCalls");
    assertThatThrownBy(() -> builder.maxBulkheadWait(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxBulkheadWait");
    assertThatThrownBy(() -> builder.requestsPerMinute(-1)).hasMessageContaining("requestsPerMinute");
    assertThatThrownBy(() -> builder.maxRateLimiterWait(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxRateLimiterWait");
    assertThat(builder.build().toString()).isEqualTo(ResilienceOptions.defaults().toString());
  }

  @Test
  void aForeverDurationIsCutToTheLongestWhereItIsSet() {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    ResilienceOptions options =
        ResilienceOptions.builder()
            .initialBackoff(forever)
            .maxBackoff(Duration.ofSeconds(Long.MAX_VALUE))
            .maxRetryAfter(forever)
            .callTimeout(forever)
            .attemptTimeout(forever)
            .circuitOpenDuration(forever)
            .maxBulkheadWait(forever)
            .maxRateLimiterWait(forever)
            .build();

    Duration longest = ResilienceOptions.LONGEST_DURATION;
    assertThat(longest.toNanos()).isEqualTo(Long.MAX_VALUE / 4);
    assertThat(options.initialBackoff()).isEqualTo(longest);
    assertThat(options.maxBackoff()).isEqualTo(longest);
    assertThat(options.maxRetryAfter()).isEqualTo(longest);
    assertThat(options.callTimeout()).isEqualTo(longest);
    assertThat(options.attemptTimeout()).contains(longest);
    assertThat(options.circuitOpenDuration()).isEqualTo(longest);
    assertThat(options.maxBulkheadWait()).isEqualTo(longest);
    assertThat(options.maxRateLimiterWait()).isEqualTo(longest);
    assertThat(ResilienceOptions.builder().callTimeout(longest).build().callTimeout())
        .isEqualTo(longest);
  }
}
