package dev.openaiconnector.knowledge.pgvector;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class, with the reason in the build's report, when {@value
 * TestDatabase#URL_VARIABLE} is not set; on CI ({@code CI=true}) the class runs and fails in
 * {@link TestDatabase#get()} instead.
 */
final class RequiresDatabase implements ExecutionCondition {
  private static final AtomicBoolean TOLD = new AtomicBoolean();

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String reason = TestDatabase.missingReason(System.getenv(TestDatabase.URL_VARIABLE));
    if (reason == null || TestDatabase.onCi(System.getenv("CI"))) {
      return ConditionEvaluationResult.enabled("the test database is named or CI must fail");
    }
    if (TOLD.compareAndSet(false, true)) {
      // The report has the reason too, but a skipped build should say so where people look.
      System.err.println("[knowledge-pgvector] tests skipped: " + reason);
    }
    return ConditionEvaluationResult.disabled(reason);
  }
}
