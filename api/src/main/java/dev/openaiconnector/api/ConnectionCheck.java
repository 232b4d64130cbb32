package dev.openaiconnector.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link Connector#checkConnection()}: one {@link OperationCheck} per operation the
 * provider offers.
 *
 * @param providerId the provider checked
 * @param operations the checks, one per operation, in the order they ran
 */
public record ConnectionCheck(String providerId, List<OperationCheck> operations) {

  /** Checks the components and copies the list. */
  public ConnectionCheck {
    Objects.requireNonNull(providerId, "providerId");
    operations = List.copyOf(operations);
  }

  /**
   * Tells whether every checked operation works.
   *
   * @return true when every check is {@link OperationCheck.Outcome#OK}
   */
  public boolean ok() {
    return operations.stream().allMatch(OperationCheck::ok);
  }

  /**
   * Returns the check of one operation.
   *
   * @param operation the operation
   * @return its check, or empty if it was not checked
   */
  public Optional<OperationCheck> of(Operation operation) {
    return operations.stream().filter(check -> check.operation() == operation).findFirst();
  }
}
