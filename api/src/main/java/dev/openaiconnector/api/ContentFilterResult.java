package dev.openaiconnector.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A content filter's verdict in one category, as Azure OpenAI reports it for prompts and answers.
 *
 * @param category the category as the provider names it: {@code hate}, {@code sexual}, {@code
 *     violence}, {@code self_harm} (rated by severity), {@code jailbreak}, {@code profanity},
 *     {@code protected_material_text}, {@code protected_material_code} (detected or not), or
 *     another the provider adds
 * @param filtered whether the filter blocked the content for this category
 * @param severity {@code safe}, {@code low}, {@code medium} or {@code high} for the rated
 *     categories; null for the others
 * @param detected whether the content was detected, for the detection categories; null for the
 *     rated ones
 */
public record ContentFilterResult(
    String category, boolean filtered, @Nullable String severity, @Nullable Boolean detected) {

  /** Checks the category is present. */
  public ContentFilterResult {
    Objects.requireNonNull(category, "category");
  }
}
