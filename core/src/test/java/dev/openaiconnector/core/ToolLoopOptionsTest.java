package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDecision;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ToolLoopOptionsTest {
  @Test
  void defaultsAreBoundedAndTellTheModel() {
    ToolLoopOptions defaults = ToolLoopOptions.defaults();

    assertThat(defaults.maxRounds()).isEqualTo(10);
    assertThat(defaults.maxCallsPerTool()).isEqualTo(20);
    assertThat(defaults.failureMode()).isEqualTo(ToolFailureMode.TELL_MODEL);
    assertThat(defaults.parallelism()).isEqualTo(8);
    assertThat(defaults.executor()).isEmpty();
    assertThat(defaults.beforeCall().apply(new ToolCall("c", "f", "{}")))
        .isSameAs(ToolCallDecision.approve());
  }

  @Test
  void buildReportsEveryBadValueNamingTheOption() {
    assertThatThrownBy(
            () ->
                ToolLoopOptions.builder()
                    .maxRounds(0)
                    .maxCallsPerTool(-1)
                    .parallelism(0)
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("maxRounds must be at least 1, was 0")
        .hasMessageContaining("maxCallsPerTool must be at least 1, was -1")
        .hasMessageContaining("ToolLoopOptions.UNLIMITED")
        .hasMessageContaining("parallelism must be at least 1, was 0");
  }

  @Test
  void rejectsAPoolSizeTogetherWithTheApplicationsExecutor() {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      assertThatThrownBy(
              () -> ToolLoopOptions.builder().executor(executor).parallelism(4).build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("parallelism")
          .hasMessageContaining("executor(...)");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void toBuilderKeepsEveryValue() {
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .maxRounds(3)
            .maxCallsPerTool(ToolLoopOptions.UNLIMITED)
            .failureMode(ToolFailureMode.THROW)
            .parallelism(2)
            .build();

    ToolLoopOptions copy = options.toBuilder().build();

    assertThat(copy.maxRounds()).isEqualTo(3);
    assertThat(copy.maxCallsPerTool()).isEqualTo(Integer.MAX_VALUE);
    assertThat(copy.failureMode()).isEqualTo(ToolFailureMode.THROW);
    assertThat(copy.parallelism()).isEqualTo(2);
    assertThat(copy.beforeCall()).isSameAs(options.beforeCall());
    assertThat(copy.afterCall()).isSameAs(options.afterCall());
    assertThat(copy)
        .hasToString(
            "ToolLoopOptions[maxRounds=3, maxCallsPerTool=unlimited, failureMode=THROW,"
                + " parallelism=2]");
  }
}
