package dev.openaiconnector.showcase;

import java.time.Duration;
import java.util.Objects;

/**
 * How one step ended.
 *
 * @param id the step's id
 * @param title the step's heading
 * @param status whether it worked
 * @param detail why it failed or was skipped; empty when it worked
 * @param took how long it took
 */
record StepResult(String id, String title, Status status, String detail, Duration took) {

  StepResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(took, "took");
  }

  /** How a step ended. */
  enum Status {
    OK,
    FAILED,
    SKIPPED
  }
}
