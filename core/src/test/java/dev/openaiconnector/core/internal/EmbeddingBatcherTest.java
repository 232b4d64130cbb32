package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.PartialEmbeddingException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.core.EmbeddingOptions;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.core.internal.EmbeddingBatcher.Batch;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.EmbeddingsPort;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddingBatcherTest {
  @Test
  void cutsAtTheInputLimit() {
    assertThat(EmbeddingBatcher.split(List.of("a", "b", "c", "d", "e"), 2, 1_000))
        .containsExactly(new Batch(0, 2), new Batch(2, 4), new Batch(4, 5));
  }

  @Test
  void cutsAtTheTokenBudgetAndKeepsABatchThatFillsItExactly() {
    // Each "abcdefgh" is estimated at 2 tokens.
    List<String> inputs = List.of("abcdefgh", "abcdefgh", "abcdefgh", "abcdefgh", "abcdefgh");

    assertThat(EmbeddingBatcher.split(inputs, 100, 4))
        .containsExactly(new Batch(0, 2), new Batch(2, 4), new Batch(4, 5));
  }

  @Test
  void givesAnInputOverTheBudgetABatchOfItsOwn() {
    List<String> inputs = List.of("a", "x".repeat(40), "b", "c", "y".repeat(40));

    assertThat(EmbeddingBatcher.split(inputs, 100, 5))
        .containsExactly(
            new Batch(0, 1), new Batch(1, 2), new Batch(2, 4), new Batch(4, 5));
  }

  @Test
  void oneInputIsOneBatch() {
    assertThat(EmbeddingBatcher.split(List.of("hello"), 1, 1)).containsExactly(new Batch(0, 1));
  }

  @Test
  void estimatesAQuarterTokenPerAsciiCharacterAndOnePerOtherCharacter() {
    assertThat(TokenEstimator.estimateInput("abcd")).isEqualTo(1);
    assertThat(TokenEstimator.estimateInput("abcde")).isEqualTo(2);
    assertThat(TokenEstimator.estimateInput("日本語")).isEqualTo(3);
    assertThat(TokenEstimator.estimateInput("Привет")).isEqualTo(6);
    assertThat(TokenEstimator.estimateInput("café")).isEqualTo(2);
  }

  @Test
  void reportsABatchThatOverrunsTheDeadlineAndItsGraceAsTimedOut() throws Exception {
    CountDownLatch helperEntered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    // The calling thread's batch waits for the pool's batch to start, then answers; the pool's
    // batch ignores its deadline.
    EmbeddingsPort port =
        new EmbeddingsPort() {
          @Override
          public EmbeddingResponse embed(EmbeddingRequest request, Deadline deadline) {
            try {
              if (Thread.currentThread().getName().startsWith("openai-connector-embeddings")) {
                helperEntered.countDown();
                never.await(10, TimeUnit.SECONDS);
              } else if (!helperEntered.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the pool's batch never started");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new EmbeddingResponse(
                List.of(new Embedding(0, new float[] {1f})), "m", TokenUsage.ZERO, null);
          }

          @Override
          public int maxInputsPerRequest() {
            return 1;
          }
        };
    ResilientCalls calls =
        new ResilientCalls(
            "fake",
            ResilienceOptions.defaults(),
            List.of(),
            wait -> {},
            ResilientCalls.RANDOM);
    Throwable thrown;
    try (EmbeddingBatcher batcher =
        new EmbeddingBatcher(
            "fake",
            EmbeddingOptions.builder().maxParallelRequests(2).build(),
            calls,
            Duration.ofMillis(100),
            (model, usage, requestId) -> {},
            Duration.ofMillis(100))) {
      thrown =
          catchThrowable(
              () ->
                  batcher.embed(
                      EmbeddingRequest.builder().model("m").input("a").input("b").build(),
                      port));
    } finally {
      never.countDown();
    }

    assertThat(thrown).isInstanceOf(PartialEmbeddingException.class);
    PartialEmbeddingException partial = (PartialEmbeddingException) thrown;
    assertThat(partial.missingIndices()).hasSize(1);
    assertThat(partial.getCause())
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("had not ended");
  }
}
