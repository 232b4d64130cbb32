package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/**
 * The calling thread was interrupted while it waited for the provider or between attempts. The
 * call is abandoned and never retried; the thread's interrupt flag is set again, so the code that
 * interrupted it sees the interrupt.
 */
public class CallInterruptedException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was interrupted
   * @param details what is known about the call
   * @param cause the underlying interruption, or null
   */
  public CallInterruptedException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
