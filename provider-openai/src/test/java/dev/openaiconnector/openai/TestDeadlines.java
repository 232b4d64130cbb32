package dev.openaiconnector.openai;

import dev.openaiconnector.spi.Deadline;
import java.time.Duration;

/** Deadlines for calling ports directly in tests. */
final class TestDeadlines {
  private TestDeadlines() {}

  /** A deadline far enough away that only a hang reaches it. */
  static Deadline soon() {
    return Deadline.after(Duration.ofMinutes(1));
  }
}
