package dev.openaiconnector.showcase;

import java.util.List;

/**
 * The outcome of a run of the showcase.
 *
 * @param target the id of what it ran against, such as {@code fake}
 * @param steps every step, in order
 * @param exitCode 0 when no step failed, 1 when one did, 2 when the showcase could not start
 */
record ShowcaseRun(String target, List<StepResult> steps, int exitCode) {

  ShowcaseRun {
    steps = List.copyOf(steps);
  }

  /**
   * Returns the steps with this status.
   *
   * @param status the status
   * @return the steps, in order
   */
  List<StepResult> steps(StepResult.Status status) {
    return steps.stream().filter(step -> step.status() == status).toList();
  }
}
