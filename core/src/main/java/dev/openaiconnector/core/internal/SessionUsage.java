package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.TokenUsage;

/**
 * A session's share of the usage: each model call made for it is added as soon as it succeeds,
 * so that the rounds of a tool loop that later fails are still counted.
 */
interface SessionUsage {
  /**
   * Returns the session's id, as usage events report it.
   *
   * @return the id
   */
  String sessionId();

  /**
   * Adds the usage of one successful model call.
   *
   * @param usage the call's tokens
   */
  void add(TokenUsage usage);
}
