package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ContentFilterResult;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto.ChoiceDto;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto.PromptFilterDto;
import dev.openaiconnector.openai.internal.ErrorResponseDto.ErrorDto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads Azure OpenAI's content filter verdicts into a {@link ContentFilterReport}: from a chat
 * completion, from the chunks of a stream ({@link Accumulator}), and from a {@code 400} refusal.
 *
 * <p>A verdict object maps each category to {@code {"filtered": ..., "severity": ...}} or {@code
 * {"filtered": ..., "detected": ...}}. Every key whose value is an object with {@code filtered} is
 * a category, so categories Azure adds later are kept; anything else ({@code error}, when the
 * filter could not run, or a value that is not an object) is skipped. Verdicts of one category
 * seen twice (the prompts of one call, the chunks of a stream) are merged: the later one wins, but
 * a category once filtered stays filtered.
 */
final class ContentFilters {
  private ContentFilters() {}

  /**
   * Reads the verdicts of a chat completion.
   *
   * @param promptResults the completion's {@code prompt_filter_results}, or null
   * @param choices the completion's choices
   * @return the report; {@link ContentFilterReport#NONE} when there are no verdicts, as on OpenAI
   */
  static ContentFilterReport fromCompletion(
      @Nullable List<PromptFilterDto> promptResults, List<ChoiceDto> choices) {
    Accumulator report = null;
    if (promptResults != null) {
      report = new Accumulator();
      report.prompts(promptResults);
    }
    for (int i = 0, n = choices.size(); i < n; i++) {
      ChoiceDto choice = choices.get(i);
      if (choice.contentFilterResults() != null) {
        if (report == null) {
          report = new Accumulator();
        }
        report.choice(choice.index(), choice.contentFilterResults());
      }
    }
    return report == null ? ContentFilterReport.NONE : report.report();
  }

  /**
   * Reads the verdicts on the prompt of a refusal: {@code innererror.content_filter_result}, as
   * the service sends it, or {@code inner_error.content_filter_results}, as its API description
   * says.
   *
   * @param error the error
   * @return the report, {@link ContentFilterReport#NONE} when the error has no verdicts
   */
  static ContentFilterReport fromError(ErrorDto error) {
    JsonNode verdicts = null;
    for (JsonNode inner : new JsonNode[] {error.innererror(), error.innerError()}) {
      if (inner != null && verdicts == null) {
        verdicts = inner.get("content_filter_result");
        if (verdicts == null) {
          verdicts = inner.get("content_filter_results");
        }
      }
    }
    List<ContentFilterResult> prompt = results(verdicts);
    return prompt.isEmpty() ? ContentFilterReport.NONE : new ContentFilterReport(prompt, Map.of());
  }

  /**
   * Returns the inner error's code, such as Azure's {@code ResponsibleAIPolicyViolation}.
   *
   * @param error the error
   * @return the code, or null
   */
  static @Nullable String innerCode(ErrorDto error) {
    for (JsonNode inner : new JsonNode[] {error.innererror(), error.innerError()}) {
      JsonNode code = inner == null ? null : inner.get("code");
      if (code != null && code.isTextual()) {
        return code.asText();
      }
    }
    return null;
  }

  /** Reads one verdict object; empty for null, an empty object or anything else. */
  static List<ContentFilterResult> results(@Nullable JsonNode verdicts) {
    if (verdicts == null || !verdicts.isObject() || verdicts.isEmpty()) {
      return List.of();
    }
    List<ContentFilterResult> results = new ArrayList<>(verdicts.size());
    for (Map.Entry<String, JsonNode> field : verdicts.properties()) {
      JsonNode verdict = field.getValue();
      JsonNode filtered = verdict.get("filtered");
      if ("error".equals(field.getKey()) || filtered == null || !filtered.isBoolean()) {
        continue;
      }
      JsonNode severity = verdict.get("severity");
      JsonNode detected = verdict.get("detected");
      results.add(
          new ContentFilterResult(
              field.getKey(),
              filtered.booleanValue(),
              severity != null && severity.isTextual() ? severity.asText() : null,
              detected != null && detected.isBoolean() ? detected.booleanValue() : null));
    }
    return results;
  }

  /** Merges verdicts as they come: from several prompts, or from the chunks of a stream. */
  static final class Accumulator {
    private final Map<String, ContentFilterResult> prompt = new LinkedHashMap<>();
    private final Map<Integer, Map<String, ContentFilterResult>> byChoice = new LinkedHashMap<>();

    /**
     * Adds the verdicts on prompts.
     *
     * @param promptResults {@code prompt_filter_results}
     */
    void prompts(List<PromptFilterDto> promptResults) {
      for (PromptFilterDto results : promptResults) {
        if (results != null) {
          merge(prompt, results.contentFilterResults());
        }
      }
    }

    /**
     * Adds the verdicts on a choice's answer, or on its latest part in a stream.
     *
     * @param index the choice's index
     * @param verdicts its {@code content_filter_results}
     */
    void choice(int index, @Nullable JsonNode verdicts) {
      List<ContentFilterResult> results = results(verdicts);
      if (!results.isEmpty()) {
        merge(byChoice.computeIfAbsent(index, i -> new LinkedHashMap<>()), results);
      }
    }

    private static void merge(Map<String, ContentFilterResult> into, @Nullable JsonNode verdicts) {
      merge(into, results(verdicts));
    }

    private static void merge(
        Map<String, ContentFilterResult> into, List<ContentFilterResult> results) {
      for (ContentFilterResult result : results) {
        into.merge(
            result.category(),
            result,
            (earlier, later) ->
                earlier.filtered() && !later.filtered()
                    ? new ContentFilterResult(
                        later.category(), true, later.severity(), later.detected())
                    : later);
      }
    }

    /**
     * Returns the verdicts so far.
     *
     * @return the report, {@link ContentFilterReport#NONE} when there are none
     */
    ContentFilterReport report() {
      if (prompt.isEmpty() && byChoice.isEmpty()) {
        return ContentFilterReport.NONE;
      }
      Map<Integer, List<ContentFilterResult>> completion = new LinkedHashMap<>();
      byChoice.forEach((index, results) -> completion.put(index, List.copyOf(results.values())));
      return new ContentFilterReport(List.copyOf(prompt.values()), completion);
    }
  }
}
