package dev.openaiconnector.api;

/**
 * Observes every remote call a connector makes: its start, each retry, its success or failure,
 * and its usage; for logging, metrics and tracing. Override the methods you need.
 *
 * <p>Called on the thread that makes the call, in this order: {@link #onStart}, then {@link
 * #onRetry} once per retry, then either {@link #onSuccess} followed by {@link #onUsage}, or {@link
 * #onFailure}. Keep it quick or hand off to a queue. An exception thrown here is logged and
 * swallowed, so a failing listener never fails the call it observes. Implementations must be
 * thread-safe: calls run on many threads at once.
 */
public interface CallListener extends UsageListener {
  /**
   * The call is about to make its first attempt.
   *
   * @param event the call, attempt 1
   */
  default void onStart(CallEvent event) {}

  /**
   * An attempt failed with a retriable failure and the call will try again after a wait.
   *
   * @param event the failed attempt, its failure and the wait before the next
   */
  default void onRetry(CallEvent event) {}

  /**
   * The call succeeded.
   *
   * @param event the successful attempt, its request id and the model that answered
   */
  default void onSuccess(CallEvent event) {}

  /**
   * The call failed for good: a failure that is not retried, retries used up, or the deadline
   * reached.
   *
   * @param event the last attempt and its failure
   */
  default void onFailure(CallEvent event) {}

  @Override
  default void onUsage(UsageEvent event) {}
}
