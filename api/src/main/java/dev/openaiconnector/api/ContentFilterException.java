package dev.openaiconnector.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The provider refused the prompt or the answer under its content policy. Where the provider says
 * why (Azure OpenAI does), {@link #report()} holds the verdict per category.
 */
public class ContentFilterException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  // Transient: the report's lists are not serializable types; a deserialized copy reads NONE.
  private final transient @Nullable ContentFilterReport report;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public ContentFilterException(String message, ErrorDetails details, @Nullable Throwable cause) {
    this(message, details, cause, ContentFilterReport.NONE);
  }

  /**
   * Creates the exception with the filter's verdicts.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   * @param report the filter's verdicts, {@link ContentFilterReport#NONE} if it gave none
   */
  public ContentFilterException(
      String message,
      ErrorDetails details,
      @Nullable Throwable cause,
      ContentFilterReport report) {
    super(message, details, cause);
    this.report = Objects.requireNonNull(report, "report");
  }

  /**
   * Returns the filter's verdicts on the prompt (and the answer, if it was cut).
   *
   * @return the report, {@link ContentFilterReport#NONE} when the provider gave none (or after
   *     deserialization)
   */
  public ContentFilterReport report() {
    ContentFilterReport kept = report;
    return kept == null ? ContentFilterReport.NONE : kept;
  }
}
