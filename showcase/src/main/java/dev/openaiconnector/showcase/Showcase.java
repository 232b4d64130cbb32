package dev.openaiconnector.showcase;

import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UsageSnapshot;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * A tour of every capability of the connector: the configuration test, chat, a session, streaming,
 * JSON mode, structured output, tools, vision, embeddings, images, typed errors and the usage
 * report, each step printing what it asked, what came back and the tokens it used.
 *
 * <p>It runs against the testkit's fake server, started in this process, unless the environment
 * names a real provider: Azure OpenAI when {@code AZURE_OPENAI_ENDPOINT} is set, OpenAI (or the
 * compatible server at {@code OPENAI_BASE_URL}) when {@code OPENAI_API_KEY} is. {@code
 * SHOWCASE_PROVIDER} ({@code fake}, {@code fake-azure}, {@code openai}, {@code azure}) chooses
 * explicitly; {@code SHOWCASE_CHAT_MODEL}, {@code SHOWCASE_VISION_MODEL}, {@code
 * SHOWCASE_EMBEDDING_MODEL} and {@code SHOWCASE_IMAGE_MODEL} pick the models, and {@code
 * SHOWCASE_SKIP} leaves steps out. A step that fails prints why and the tour goes on; the exit code
 * is then 1.
 */
public final class Showcase {
  private Showcase() {}

  /**
   * Runs the tour with the process's environment and exits with 1 if a step failed, 2 if the
   * showcase could not start.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ShowcaseRun run = run(System.getenv(), System.out);
    System.out.flush();
    if (run.exitCode() != 0) {
      System.exit(run.exitCode());
    }
  }

  /**
   * Runs the tour.
   *
   * @param environment the environment variables to read the settings from
   * @param out where to print
   * @return how each step went
   */
  static ShowcaseRun run(Map<String, String> environment, PrintStream out) {
    Console console = new Console(out);
    console.line("OpenAI Connector showcase: every capability, one step at a time");
    ShowcaseSettings settings;
    try {
      settings = ShowcaseSettings.from(environment, Tour.STEP_IDS);
    } catch (IllegalArgumentException e) {
      console.line("Cannot start: " + e.getMessage());
      return new ShowcaseRun("none", List.of(), 2);
    }
    Target target;
    try {
      target = Target.open(settings, environment);
    } catch (RuntimeException e) {
      console.line("Cannot build the connector: " + describe(e));
      return new ShowcaseRun(settings.target().id(), List.of(), 2);
    }
    try (target) {
      String label = "target";
      for (String line : target.description()) {
        console.field(label, line);
        label = "";
      }
      ShowcaseSettings.Models models = settings.models();
      console.field(
          "models",
          "chat "
              + models.chat()
              + ", vision "
              + models.vision()
              + ", embeddings "
              + models.embeddings()
              + ", images "
              + models.images());
      console.more(
          "change them with SHOWCASE_CHAT_MODEL, SHOWCASE_VISION_MODEL, SHOWCASE_EMBEDDING_MODEL"
              + " and SHOWCASE_IMAGE_MODEL; leave steps out with SHOWCASE_SKIP=images,vision,...");
      Tour tour = new Tour(target.connector(), models, settings.target().fake(), console);
      List<StepResult> results = runSteps(tour.steps(), settings, target, console);
      ShowcaseRun run = new ShowcaseRun(settings.target().id(), results, failed(results) ? 1 : 0);
      summarize(run, console);
      return run;
    }
  }

  private static List<StepResult> runSteps(
      List<Step> steps, ShowcaseSettings settings, Target target, Console console) {
    List<StepResult> results = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      console.blank();
      console.line("[" + (i + 1) + "/" + steps.size() + "] " + step.title());
      console.field("api", step.api());
      if (settings.skip().contains(step.id())) {
        console.field("SKIPPED", "named in " + ShowcaseSettings.SKIP);
        results.add(
            new StepResult(
                step.id(),
                step.title(),
                StepResult.Status.SKIPPED,
                "named in " + ShowcaseSettings.SKIP,
                Duration.ZERO));
        continue;
      }
      results.add(runStep(step, target, console));
    }
    return results;
  }

  private static StepResult runStep(Step step, Target target, Console console) {
    UsageSnapshot before = target.connector().usage().snapshot();
    long started = System.nanoTime();
    StepResult.Status status = StepResult.Status.OK;
    String detail = "";
    try {
      step.body().run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = StepResult.Status.FAILED;
      detail = "interrupted";
    } catch (Exception e) {
      // A clear line, not a stack trace: the tour goes on with the next step.
      status = StepResult.Status.FAILED;
      detail = describe(e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (step.countsTokens()) {
      console.field("tokens", tokens(before, target.connector().usage().snapshot()));
    }
    if (status == StepResult.Status.OK) {
      console.field("OK", took.toMillis() + " ms");
    } else {
      console.field("FAILED", detail + "   (after " + took.toMillis() + " ms)");
    }
    return new StepResult(step.id(), step.title(), status, detail, took);
  }

  private static String tokens(UsageSnapshot before, UsageSnapshot after) {
    long calls = after.calls() - before.calls();
    if (calls == 0) {
      return "none: no call reached the model";
    }
    TokenUsage b = before.total();
    TokenUsage a = after.total();
    long cached = a.cachedTokens() - b.cachedTokens();
    long reasoning = a.reasoningTokens() - b.reasoningTokens();
    return (a.promptTokens() - b.promptTokens())
        + " prompt + "
        + (a.completionTokens() - b.completionTokens())
        + " completion = "
        + (a.totalTokens() - b.totalTokens())
        + " tokens in "
        + calls
        + (calls == 1 ? " call" : " calls")
        + (cached > 0 ? ", " + cached + " prompt tokens cached" : "")
        + (reasoning > 0 ? ", " + reasoning + " reasoning" : "");
  }

  private static void summarize(ShowcaseRun run, Console console) {
    console.blank();
    int ok = run.steps(StepResult.Status.OK).size();
    List<StepResult> failed = run.steps(StepResult.Status.FAILED);
    int skipped = run.steps(StepResult.Status.SKIPPED).size();
    console.line(
        "Summary: "
            + run.steps().size()
            + " steps against "
            + run.target()
            + ": "
            + ok
            + " OK, "
            + failed.size()
            + " failed, "
            + skipped
            + " skipped. Exit code "
            + run.exitCode()
            + ".");
    if (!failed.isEmpty()) {
      console.line(
          "Failed: "
              + failed.stream().map(StepResult::id).collect(Collectors.joining(", "))
              + " (each step's FAILED line above says why)");
    }
  }

  private static boolean failed(List<StepResult> results) {
    return results.stream().anyMatch(result -> result.status() == StepResult.Status.FAILED);
  }

  /**
   * Describes a failure on one line: the exception's type and what the library says about it
   * (status, error code, request id, retry-after), never a stack trace.
   *
   * @param failure the failure
   * @return the description
   */
  static String describe(Throwable failure) {
    if (failure instanceof StepFailedException) {
      return Tour.oneLine(String.valueOf(failure.getMessage()));
    }
    if (failure instanceof RequestValidationException) {
      return "RequestValidationException: "
          + String.join("; ", ((RequestValidationException) failure).problems());
    }
    if (failure instanceof ConnectorException) {
      ConnectorException e = (ConnectorException) failure;
      StringJoiner facts = new StringJoiner(", ", " (", ")").setEmptyValue("");
      e.status().ifPresent(status -> facts.add("HTTP " + status));
      e.errorCode().ifPresent(code -> facts.add("code " + code));
      e.requestId().ifPresent(id -> facts.add("request id " + id));
      e.retryAfter().ifPresent(wait -> facts.add("retry after " + wait.toMillis() + " ms"));
      facts.add(e.isRetriable() ? "retriable" : "not retriable");
      return e.getClass().getSimpleName()
          + facts
          + ": "
          + Tour.oneLine(String.valueOf(e.getMessage()));
    }
    return "unexpected "
        + failure.getClass().getName()
        + ": "
        + Tour.oneLine(String.valueOf(failure.getMessage()));
  }
}
