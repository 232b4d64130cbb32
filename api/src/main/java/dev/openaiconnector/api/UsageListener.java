package dev.openaiconnector.api;

/**
 * Receives the usage of every successful call, to persist, bill or alert on it.
 *
 * <p>Called on the thread that made the call, after the response arrived and before it is
 * returned; keep it quick or hand off to a queue. An exception thrown here is logged and
 * swallowed, so a failing listener never fails the call it observes.
 */
@FunctionalInterface
public interface UsageListener {
  /**
   * Handles the usage of one call.
   *
   * @param event what was used
   */
  void onUsage(UsageEvent event);
}
