package dev.openaiconnector.showcase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShowcaseTest {

  // Every step that calls a model, in the order of the tour.
  private static final List<String> MODEL_STEPS =
      List.of(
          "check",
          "chat",
          "session",
          "stream",
          "json",
          "structured",
          "tools",
          "vision",
          "embeddings",
          "rag",
          "images");

  @Test
  void runsEveryStepAgainstTheFakeServerWhenNoProviderIsConfigured() {
    Output output = run(Map.of());

    assertThat(output.run().target()).isEqualTo("fake");
    assertEveryStepSucceeded(output);
    assertThat(output.text())
        .contains("the testkit's FakeOpenAiServer at http://127.0.0.1:")
        .contains("Echo: Name one famous bridge in Lisbon, in one sentence.")
        .contains("(fake server: canned answer)")
        .contains("history 5 messages kept: system, user, assistant, user, assistant")
        .contains("text deltas, the first after")
        .contains("{\"echo\":\"Describe the capital of Portugal")
        .contains("CityGuide: city sample, country sample")
        .contains("get_weather {\"city\":\"sample\",\"unit\":\"CELSIUS\"}")
        .contains("convert_currency {\"amount\":1.5,\"from\":\"USD\",\"to\":\"USD\"}")
        .contains("[1 image]")
        .contains("4 vectors of 1536 dimensions from text-embedding-3-small")
        .contains("handbook/holidays.md: 1 chunk written")
        .contains("ingested again: 3 of 3 documents unchanged")
        .contains("knowledge.search(\"How much can I spend on meals abroad?\",")
        .contains("<source id=\"1\" document=\"handbook/holidays.md\" position=\"0\">")
        .containsPattern("sources handbook/\\S+#0, handbook/\\S+#0, handbook/\\S+#0; cited")
        .contains("tool    search_knowledge_base {\"query\":\"sample\"} -> a JSON list of hits")
        .contains("revised prompt: A detailed rendering of: A lighthouse")
        .contains("- temperature must be between 0 and 2, was 3.0")
        .contains("openai    gpt-4o-mini              CHAT")
        .contains("Summary: 13 steps against fake: 13 OK, 0 failed, 0 skipped. Exit code 0.");
  }

  @Test
  void runsTheSameTourAgainstTheFakeServerSpeakingAzure() {
    Output output = run(Map.of("SHOWCASE_PROVIDER", "fake-azure"));

    assertThat(output.run().target()).isEqualTo("fake-azure");
    assertEveryStepSucceeded(output);
    assertThat(output.text())
        .contains("provider azure -> the testkit's FakeOpenAiServer in Azure mode")
        .contains("azure     text-embedding-3-small   EMBEDDINGS");
  }

  @Test
  void printsAFailedStepOnOneLineWithoutAStackTraceAndGoesOn() {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.builder().apiKey("sk-the-key-the-server-wants").start()) {
      Output output =
          run(
              Map.of(
                  "OPENAI_API_KEY", "sk-showcase-test-wrong-key-123456",
                  "OPENAI_BASE_URL", server.baseUrl().toString()));

      assertThat(output.run().target()).isEqualTo("openai");
      assertThat(output.run().exitCode()).isEqualTo(1);
      assertThat(output.run().steps(StepResult.Status.FAILED))
          .extracting(StepResult::id)
          .containsExactlyElementsOf(MODEL_STEPS);
      assertThat(output.run().steps(StepResult.Status.OK))
          .extracting(StepResult::id)
          .containsExactly("errors", "usage");
      assertThat(output.text())
          .contains("CHAT         AUTHENTICATION")
          .contains("FAILED  AuthenticationException (HTTP 401, code invalid_api_key")
          .contains("Failed: " + String.join(", ", MODEL_STEPS))
          .contains("Exit code 1.")
          .doesNotContain("\tat ")
          .doesNotContain("sk-showcase-test-wrong-key-123456");
    }
  }

  @Test
  void oneFailedStepDoesNotStopTheOthers() {
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      // The first request is the configuration test's chat call.
      server.enqueue(FakeResponse.error(400, "invalid_request_error", null, "Scripted refusal"));
      Output output =
          run(
              Map.of(
                  "SHOWCASE_PROVIDER", "openai",
                  "OPENAI_BASE_URL", server.baseUrl().toString(),
                  "OPENAI_API_KEY", "sk-showcase-test"));

      assertThat(output.run().exitCode()).isEqualTo(1);
      assertThat(output.run().steps(StepResult.Status.FAILED))
          .extracting(StepResult::id)
          .containsExactly("check");
      assertThat(output.run().steps(StepResult.Status.OK)).hasSize(Tour.STEP_IDS.size() - 1);
      assertThat(output.text())
          .contains("CHAT         OTHER")
          .contains("Scripted refusal")
          .contains("the configuration test found problems (CHAT OTHER)");
    }
  }

  @Test
  void skipsTheStepsNamedInShowcaseSkip() {
    Output output = run(Map.of("SHOWCASE_SKIP", "images, Vision"));

    assertThat(output.run().exitCode()).isZero();
    assertThat(output.run().steps(StepResult.Status.SKIPPED))
        .extracting(StepResult::id)
        .containsExactly("vision", "images");
    assertThat(output.text()).contains("SKIPPED named in SHOWCASE_SKIP");
  }

  @Test
  void refusesSettingsItDoesNotUnderstandWithExitCodeTwo() {
    Output provider = run(Map.of("SHOWCASE_PROVIDER", "bedrock"));
    Output skip = run(Map.of("SHOWCASE_SKIP", "imgaes"));

    assertThat(provider.run().exitCode()).isEqualTo(2);
    assertThat(provider.text())
        .contains(
            "SHOWCASE_PROVIDER must be one of fake, fake-azure, openai, azure, was 'bedrock'");
    assertThat(skip.run().exitCode()).isEqualTo(2);
    assertThat(skip.text()).contains("SHOWCASE_SKIP names the step 'imgaes'");
  }

  @Test
  void choosesAzureWhenItsEndpointIsSetAndOpenAiWhenItsKeyIs() {
    List<String> steps = Tour.STEP_IDS;

    assertThat(ShowcaseSettings.from(Map.of(), steps).target()).isEqualTo(Target.Kind.FAKE);
    assertThat(ShowcaseSettings.from(Map.of("OPENAI_API_KEY", "sk-x"), steps).target())
        .isEqualTo(Target.Kind.OPENAI);
    assertThat(
            ShowcaseSettings.from(
                    Map.of("OPENAI_API_KEY", "sk-x", "AZURE_OPENAI_ENDPOINT", "https://r.example"),
                    steps)
                .target())
        .isEqualTo(Target.Kind.AZURE);
    assertThat(
            ShowcaseSettings.from(
                    Map.of("OPENAI_API_KEY", "sk-x", "SHOWCASE_PROVIDER", "fake"), steps)
                .target())
        .isEqualTo(Target.Kind.FAKE);
    assertThat(ShowcaseSettings.from(Map.of("SHOWCASE_CHAT_MODEL", "gpt-4.1"), steps).models())
        .isEqualTo(
            new ShowcaseSettings.Models(
                "gpt-4.1", "gpt-4.1", "text-embedding-3-small", "dall-e-3"));
  }

  // Each step has its own section: a heading, the calls, what it asked and got, its tokens when it
  // called a model, and OK.
  private static void assertEveryStepSucceeded(Output output) {
    assertThat(output.run().exitCode()).isZero();
    assertThat(output.run().steps())
        .extracting(StepResult::id)
        .containsExactlyElementsOf(Tour.STEP_IDS);
    assertThat(output.run().steps())
        .allSatisfy(
            step ->
                assertThat(step.status())
                    .as("%s: %s", step.id(), step.detail())
                    .isEqualTo(StepResult.Status.OK));
    List<String> sections =
        Arrays.asList(output.text().split("\\R(?=\\[\\d+/\\d+\\] )"));
    assertThat(sections).hasSize(Tour.STEP_IDS.size() + 1);
    for (int i = 0; i < Tour.STEP_IDS.size(); i++) {
      String id = Tour.STEP_IDS.get(i);
      String section = sections.get(i + 1);
      assertThat(section)
          .as(id)
          .startsWith("[" + (i + 1) + "/" + Tour.STEP_IDS.size() + "] ")
          .contains("\n  api     ")
          .contains("\n  asked   ")
          .contains("\n  got     ")
          .containsPattern("\\R  OK      \\d+ ms");
      if (MODEL_STEPS.contains(id)) {
        assertThat(section).as(id).containsPattern("\\R  tokens  \\d+ prompt \\+ \\d+ completion");
      }
    }
    assertThat(output.text()).doesNotContain("FAILED").doesNotContain("\tat ");
  }

  private static Output run(Map<String, String> environment) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ShowcaseRun run = Showcase.run(environment, out);
    out.flush();
    return new Output(run, bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
  }

  private record Output(ShowcaseRun run, String text) {}
}
