package dev.openaiconnector.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a provider's content filter said about one call: its verdicts on the prompt and on each
 * choice's answer. Azure OpenAI reports them on every call; OpenAI reports none, so its report is
 * {@link #NONE}.
 *
 * @param prompt the verdicts on the prompt, one per category
 * @param completionByChoice the verdicts on each choice's answer, by choice index
 */
public record ContentFilterReport(
    List<ContentFilterResult> prompt, Map<Integer, List<ContentFilterResult>> completionByChoice) {

  /** Nothing reported. */
  public static final ContentFilterReport NONE = new ContentFilterReport(List.of(), Map.of());

  /** Copies the lists and the map, keeping the choices in index order. */
  public ContentFilterReport {
    prompt = List.copyOf(prompt);
    TreeMap<Integer, List<ContentFilterResult>> byChoice = new TreeMap<>();
    Objects.requireNonNull(completionByChoice, "completionByChoice")
        .forEach((choice, results) -> byChoice.put(choice, List.copyOf(results)));
    completionByChoice = Collections.unmodifiableMap(byChoice);
  }

  /**
   * Returns the verdicts on the first choice's answer.
   *
   * @return the verdicts, empty when none were reported
   */
  public List<ContentFilterResult> completion() {
    return completionByChoice.getOrDefault(0, List.of());
  }

  /**
   * Tells whether the filter blocked anything, in the prompt or in an answer.
   *
   * @return true if any verdict is filtered
   */
  public boolean filtered() {
    return prompt.stream().anyMatch(ContentFilterResult::filtered)
        || completionByChoice.values().stream()
            .flatMap(List::stream)
            .anyMatch(ContentFilterResult::filtered);
  }

  /**
   * Tells whether the provider reported nothing.
   *
   * @return true when there are no verdicts at all
   */
  public boolean isEmpty() {
    return prompt.isEmpty() && completionByChoice.isEmpty();
  }
}
