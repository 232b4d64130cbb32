package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ContentFilterResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading and merging Azure's content filter verdicts. */
class ContentFiltersTest {
  private static final ObjectMapper JSON = OpenAiTransport.objectMapper();

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void keepsEveryCategoryWithAVerdictAndSkipsTheRest() {
    List<ContentFilterResult> results =
        ContentFilters.results(
            tree(
                "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
                    + "\"protected_material_code\":{\"filtered\":false,\"detected\":true,"
                    + "\"citation\":{\"URL\":\"u\"}},"
                    + "\"ungrounded_material\":{\"filtered\":true,\"details\":[]},"
                    + "\"error\":{\"code\":\"Timeout\",\"message\":\"m\"},"
                    + "\"note\":\"text\",\"odd\":{\"severity\":\"low\"}}"));

    assertThat(results)
        .containsExactly(
            new ContentFilterResult("hate", false, "safe", null),
            new ContentFilterResult("protected_material_code", false, null, true),
            new ContentFilterResult("ungrounded_material", true, null, null));
  }

  @Test
  void readsNothingFromNothing() {
    assertThat(ContentFilters.results(null)).isEmpty();
    assertThat(ContentFilters.results(tree("{}"))).isEmpty();
    assertThat(ContentFilters.results(tree("null"))).isEmpty();
    assertThat(ContentFilters.results(tree("[1]"))).isEmpty();
    assertThat(new ContentFilters.Accumulator().report()).isSameAs(ContentFilterReport.NONE);
  }

  @Test
  void laterVerdictWinsButFilteredSticks() {
    ContentFilters.Accumulator stream = new ContentFilters.Accumulator();
    stream.choice(0, tree("{\"violence\":{\"filtered\":true,\"severity\":\"medium\"}}"));
    stream.choice(0, tree("{}"));
    stream.choice(
        0,
        tree(
            "{\"violence\":{\"filtered\":false,\"severity\":\"low\"},"
                + "\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}"));
    stream.choice(1, tree("{\"hate\":{\"filtered\":false,\"severity\":\"low\"}}"));

    ContentFilterReport report = stream.report();
    assertThat(report.completion())
        .containsExactly(
            new ContentFilterResult("violence", true, "low", null),
            new ContentFilterResult("hate", false, "safe", null));
    assertThat(report.completionByChoice().get(1))
        .containsExactly(new ContentFilterResult("hate", false, "low", null));
    assertThat(report.prompt()).isEmpty();
    assertThat(report.filtered()).isTrue();
  }
}
