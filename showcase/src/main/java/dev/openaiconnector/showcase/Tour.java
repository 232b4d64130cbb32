package dev.openaiconnector.showcase;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.OperationCheck;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.SearchOptions;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.StructuredResponse;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.ToolRound;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.Tools;
import dev.openaiconnector.core.knowledge.Document;
import dev.openaiconnector.core.knowledge.InMemoryKnowledgeBase;
import dev.openaiconnector.core.knowledge.IngestResult;
import dev.openaiconnector.core.knowledge.Knowledge;
import dev.openaiconnector.core.knowledge.KnowledgeAnswer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The steps of the showcase: each makes the calls of one capability and prints what it asked,
 * what came back and what it cost. The same code runs against the fake server, OpenAI and Azure.
 */
final class Tour {
  /** The ids of the steps, in order; {@value ShowcaseSettings#SKIP} takes them. */
  static final List<String> STEP_IDS =
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
          "images",
          "errors",
          "usage");

  private static final String CANNED = "(fake server: canned answer)";

  private final Connector ai;
  private final ShowcaseSettings.Models models;
  private final boolean fake;
  private final Console console;

  Tour(Connector ai, ShowcaseSettings.Models models, boolean fake, Console console) {
    this.ai = ai;
    this.models = models;
    this.fake = fake;
    this.console = console;
  }

  /**
   * Returns the steps, in the order of {@link #STEP_IDS}.
   *
   * @return the steps
   */
  List<Step> steps() {
    return List.of(
        new Step(
            "check",
            "Configuration test: does every operation work with these settings?",
            "ai.checkConnection()",
            true,
            this::configurationTest),
        new Step(
            "chat",
            "Chat: one question, one answer",
            "ai.chat(ChatRequest.builder().model(...).system(...).user(...).maxTokens(...)"
                + ".build())",
            true,
            this::chat),
        new Step(
            "session",
            "Session: a conversation that keeps its history",
            "ai.session(SessionSpec...), session.send(...) twice, session.history(),"
                + " session.usage()",
            true,
            this::session),
        new Step(
            "stream",
            "Streaming: the answer as it is written",
            "try (ChatStream stream = ai.stream(request)) { for (ChatDelta delta : stream) ... }",
            true,
            this::stream),
        new Step(
            "json",
            "JSON mode: the answer is a JSON object",
            "request.responseFormat(ResponseFormat.jsonObject())",
            true,
            this::jsonMode),
        new Step(
            "structured",
            "Structured output: the answer is a Java record",
            "ai.chat(request, CityGuide.class): a strict JSON Schema generated from the record",
            true,
            this::structuredOutput),
        new Step(
            "tools",
            "Tools: the function-calling loop",
            "Tools.of(name, description, Record.class, handler), Tools.fromMethods(object),"
                + " ai.chat(request with .tool(...)): the connector runs the calls and loops",
            true,
            this::tools),
        new Step(
            "vision",
            "Vision: a question about a picture",
            "ChatRequest.builder().user(ContentPart.text(...),"
                + " ImagePart.ofBytes(png, \"image/png\", ImageDetail.LOW))",
            true,
            this::vision),
        new Step(
            "embeddings",
            "Embeddings: texts as vectors, compared by cosine similarity",
            "ai.embedAll(model, texts): batched, in parallel, in input order",
            true,
            this::embeddings),
        new Step(
            "rag",
            "RAG: answers from your own documents, with citations",
            "Knowledge.builder()...build(): ingestAll(documents), search(query, options),"
                + " answer(question), asTool(); InMemoryKnowledgeBase.create(dimensions)",
            true,
            this::rag),
        new Step(
            "images",
            "Images: generate a picture",
            "ai.generateImages(ImageRequest.builder().model(...).prompt(...).size(...).build())",
            true,
            this::images),
        new Step(
            "errors",
            "Typed errors: an invalid request fails before any call",
            "ChatRequest.builder()...build() throws RequestValidationException",
            true,
            this::errors),
        new Step(
            "usage",
            "Usage report: every token this run used",
            "ai.usage().snapshot(): per provider, model and operation",
            false,
            this::usageReport));
  }

  private void configurationTest() {
    ConnectionCheck check = ai.checkConnection();
    console.field(
        "asked",
        "the cheapest valid call of each operation the provider offers, once, without retries: "
            + check.operations().stream()
                .map(op -> op.operation().name())
                .collect(Collectors.joining(", ")));
    String label = "got";
    for (OperationCheck op : check.operations()) {
      String detail =
          op.ok()
              ? (op.requestId() == null ? "" : "request id " + op.requestId())
              : oneLine(String.valueOf(op.message()));
      console.row(
          label,
          String.format(
              Locale.ROOT,
              "%-12s %-14s %-22s %6d ms  %s",
              op.operation(),
              op.outcome(),
              op.model(),
              op.latency().toMillis(),
              detail));
      label = "";
    }
    if (!check.ok()) {
      throw new StepFailedException(
          "the configuration test found problems ("
              + check.operations().stream()
                  .filter(op -> !op.ok())
                  .map(op -> op.operation() + " " + op.outcome())
                  .collect(Collectors.joining(", "))
              + "); the steps below will likely fail for the same reason");
    }
  }

  private void chat() {
    String system = "You are a concise travel guide.";
    String question = "Name one famous bridge in Lisbon, in one sentence.";
    console.field("asked", "system: " + system);
    console.more("user:   " + question + "   (maxTokens 200)");
    ChatResponse answer =
        ai.chat(
            ChatRequest.builder()
                .model(models.chat())
                .system(system)
                .user(question)
                .maxTokens(200)
                .build());
    got(answer.content());
    console.more(
        "finish reason "
            + answer.finishReason().value()
            + ", model "
            + answer.model()
            + answer.requestId().map(id -> ", request id " + id).orElse(""));
  }

  private void session() {
    ChatSession session =
        ai.session(
            SessionSpec.builder()
                .model(models.chat())
                .system("You are a travel assistant. Answer in one sentence.")
                .maxMessages(20)
                .build());
    String first = "Hi, I am Ada and I am planning a weekend in Lisbon.";
    console.field("asked", "1. " + first);
    ChatResponse one = session.send(first);
    got("1. " + one.content());
    String second = "What is my name, and where am I going?";
    console.field("asked", "2. " + second);
    ChatResponse two = session.send(second);
    console.field(
        "got",
        "2. "
            + two.content()
            + (fake
                ? "  (fake server: canned answer; a real model answers from the history it was"
                    + " sent)"
                : ""));
    console.field(
        "history",
        session.history().size()
            + " messages kept: "
            + session.history().stream()
                .map(message -> message.role().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "))
            + "; session.usage() "
            + session.usage().totalTokens()
            + " tokens");
  }

  private void stream() {
    String question = "Count from one to ten in words, separated by commas.";
    console.field("asked", question);
    ChatRequest request = ChatRequest.builder().model(models.chat()).user(question).build();
    long started = System.nanoTime();
    long firstDelta = -1;
    int deltas = 0;
    try (ChatStream stream = ai.stream(request)) {
      for (ChatDelta delta : stream) {
        if (!delta.text().isEmpty()) {
          if (firstDelta < 0) {
            firstDelta = System.nanoTime();
            console.startPieces("got");
          }
          deltas++;
          console.piece(delta.text());
        }
      }
      ChatResponse whole = stream.response();
      if (deltas == 0) {
        console.field("got", "(no text)");
      } else if (fake) {
        console.piece("  " + CANNED);
      }
      long done = System.nanoTime();
      console.more(
          deltas
              + " text deltas, the first after "
              + millis(firstDelta < 0 ? done - started : firstDelta - started)
              + ", the last after "
              + millis(done - started)
              + "; stream.response() assembled them into "
              + whole.content().length()
              + " characters, finish reason "
              + whole.finishReason().value());
    }
  }

  private void jsonMode() {
    String system = "You answer in JSON only.";
    String question =
        "Describe the capital of Portugal as a JSON object with the keys name, country and"
            + " population.";
    console.field("asked", "system: " + system);
    console.more("user:   " + question);
    ChatResponse answer =
        ai.chat(
            ChatRequest.builder()
                .model(models.chat())
                .system(system)
                .user(question)
                .responseFormat(ResponseFormat.jsonObject())
                .build());
    got(answer.content());
  }

  /**
   * A city guide, the type of the structured answer.
   *
   * @param city the city
   * @param country its country
   * @param sights what to see, most famous first
   */
  record CityGuide(
      String city,
      String country,
      @Description("Three sights, most famous first") List<Sight> sights) {}

  /**
   * A sight in a {@link CityGuide}.
   *
   * @param name its name
   * @param why why it is worth a visit
   */
  record Sight(String name, @Description("Why it is worth a visit, in one sentence") String why) {}

  private void structuredOutput() {
    String question = "Write a short guide to Porto with three sights.";
    console.field("asked", question + "   (as a CityGuide(city, country, List<Sight(name, why)>))");
    StructuredResponse<CityGuide> answer =
        ai.chat(ChatRequest.builder().model(models.chat()).user(question).build(), CityGuide.class);
    if (answer.refusal().isPresent()) {
      console.field("got", "the model refused: " + answer.refusal().get());
      return;
    }
    CityGuide guide = answer.value();
    console.field(
        "got",
        "CityGuide: city "
            + guide.city()
            + ", country "
            + guide.country()
            + (fake ? "  (fake server: a sample that fits the schema)" : ""));
    int number = 1;
    for (Sight sight : guide.sights()) {
      console.more(number++ + ". " + sight.name() + ": " + sight.why());
    }
  }

  /** The units of the weather tool. */
  enum TemperatureUnit {
    CELSIUS,
    FAHRENHEIT
  }

  /**
   * The arguments of the weather tool.
   *
   * @param city the city
   * @param unit the unit of the temperature
   */
  record WeatherQuery(
      @Description("City name, for example Lisbon") String city, TemperatureUnit unit) {}

  /**
   * What the weather tool answers.
   *
   * @param city the city
   * @param temperature the temperature
   * @param unit its unit
   * @param sky the sky
   */
  record Weather(String city, int temperature, TemperatureUnit unit, String sky) {}

  private void tools() {
    Tool weather =
        Tools.of(
            "get_weather",
            "Current weather in a city",
            WeatherQuery.class,
            query ->
                new Weather(
                    query.city(),
                    query.unit() == TemperatureUnit.CELSIUS ? 21 : 70,
                    query.unit(),
                    "sunny"));
    List<Tool> currency = Tools.fromMethods(new CurrencyTools());
    String question = "What is the weather in Lisbon in Celsius, and how much is 100 USD in euros?";
    console.field("asked", question);
    console.more(
        "tools: get_weather (Tools.of with a record), convert_currency (@ToolFunction method);"
            + " both are local Java code with fixed data");
    ChatRequest.Builder request =
        ChatRequest.builder().model(models.chat()).user(question).tool(weather);
    currency.forEach(request::tool);
    ChatResponse answer = ai.chat(request.build());
    int round = 1;
    for (ToolRound toolRound : answer.toolRounds()) {
      Map<String, String> results =
          toolRound.results().stream()
              .collect(Collectors.toMap(ToolMessage::toolCallId, ToolMessage::content));
      List<ToolCall> calls = toolRound.request().toolCalls();
      console.field(
          "round " + round++,
          "the model asked for "
              + calls.size()
              + (calls.size() == 1 ? " call" : " calls, run in parallel")
              + "; the connector ran "
              + (calls.size() == 1 ? "it" : "them")
              + " and sent the results back:");
      for (ToolCall call : calls) {
        console.more(
            call.name() + " " + call.arguments() + " -> " + results.getOrDefault(call.id(), "?"));
      }
    }
    if (answer.toolRounds().isEmpty()) {
      console.field("rounds", "none: the model answered without calling a tool");
    }
    got(answer.content());
    int rounds = answer.toolRounds().size();
    console.more(
        rounds
            + (rounds == 1 ? " tool round" : " tool rounds")
            + " + the answer; answer.usage() sums every model call of the loop: "
            + answer.usage().totalTokens()
            + " tokens");
  }

  private void vision() {
    byte[] png = Pictures.redCircleAndBlueSquare();
    String question = "Which shapes and colours do you see in this picture? One sentence.";
    console.field("asked", question);
    console.more(
        "+ a "
            + Pictures.SIZE
            + "x"
            + Pictures.SIZE
            + " PNG drawn by the showcase ("
            + png.length
            + " bytes: a red circle and a blue square on white), sent inline at detail low");
    ChatResponse answer =
        ai.chat(
            ChatRequest.builder()
                .model(models.vision())
                .user(
                    ContentPart.text(question),
                    ImagePart.ofBytes(png, "image/png", ImageDetail.LOW))
                .maxTokens(100)
                .build());
    got(answer.content());
  }

  private void embeddings() {
    List<String> texts =
        List.of(
            "The cat sleeps on the sofa.",
            "A kitten is napping on the couch.",
            "Stock markets fell sharply today.",
            "Shares dropped on Wall Street this afternoon.");
    console.field("asked", "embed " + texts.size() + " texts with " + models.embeddings() + ":");
    for (int i = 0; i < texts.size(); i++) {
      console.more("[" + (i + 1) + "] " + texts.get(i));
    }
    EmbeddingResponse response = ai.embedAll(models.embeddings(), texts);
    console.field(
        "got",
        response.embeddings().size()
            + " vectors of "
            + response.vector(0).length
            + " dimensions from "
            + response.model()
            + "; cosine similarity:");
    StringBuilder header = new StringBuilder("     ");
    for (int j = 0; j < texts.size(); j++) {
      header.append(String.format(Locale.ROOT, "%7s", "[" + (j + 1) + "]"));
    }
    console.row("", header.toString());
    for (int i = 0; i < texts.size(); i++) {
      StringBuilder row =
          new StringBuilder(String.format(Locale.ROOT, "%-5s", "[" + (i + 1) + "]"));
      for (int j = 0; j < texts.size(); j++) {
        double similarity = cosine(response.vector(i), response.vector(j));
        // Rounded first, so that a tiny negative number does not print as -0.00.
        row.append(String.format(Locale.ROOT, "%7.2f", Math.round(similarity * 100) / 100.0));
      }
      console.row("", row.toString());
    }
    console.more(
        fake
            ? "(fake server: each vector hashes the text's words, so only shared words make texts"
                + " similar; a real model also puts [1] near [2] and [3] near [4])"
            : "texts that mean the same thing score higher: [1] with [2], [3] with [4]");
  }

  // A fictional staff handbook: small enough to read in the output, one chunk per document.
  private static final List<Document> HANDBOOK =
      List.of(
          new Document(
              "handbook/holidays.md",
              "Employees of Acme Travel get 25 days of paid holiday a year, plus public holidays."
                  + " Up to five unused days can be carried over until 31 March of the next year.",
              Map.of("topic", "holidays")),
          new Document(
              "handbook/expenses.md",
              "Travel expenses are reimbursed within 14 days of submitting the receipts in the"
                  + " expenses app. Meals abroad are covered up to 60 euros a day.",
              Map.of("topic", "expenses")),
          new Document(
              "handbook/remote-work.md",
              "Staff may work remotely up to three days a week. Working from another country"
                  + " needs the approval of your manager and is limited to 20 working days a"
                  + " year.",
              Map.of("topic", "remote work")));

  private void rag() {
    // The knowledge base is sized up front; one embedding tells the model's vector length.
    int dimensions = ai.embed(models.embeddings(), "dimensions probe").dimensions();
    try (InMemoryKnowledgeBase base = InMemoryKnowledgeBase.create(dimensions)) {
      Knowledge knowledge =
          Knowledge.builder()
              .connector(ai)
              .knowledgeBase(base)
              .embeddingModel(models.embeddings())
              .chatModel(models.chat())
              .build();
      console.field(
          "asked",
          "knowledge.ingestAll(3 documents of a fictional staff handbook) into"
              + " InMemoryKnowledgeBase.create("
              + dimensions
              + "), the vector length one probe embedding reported: chunk, embed, store");
      String label = "got";
      for (IngestResult result : knowledge.ingestAll(HANDBOOK)) {
        console.field(
            label,
            result.documentId()
                + ": "
                + result.chunksWritten()
                + (result.chunksWritten() == 1 ? " chunk" : " chunks")
                + " written, "
                + result.usage().totalTokens()
                + " embedding tokens");
        label = "";
      }
      long unchanged =
          knowledge.ingestAll(HANDBOOK).stream().filter(IngestResult::unchanged).count();
      console.more(
          "ingested again: "
              + unchanged
              + " of "
              + HANDBOOK.size()
              + " documents unchanged, so nothing was embedded twice");

      String query = "How much can I spend on meals abroad?";
      console.field("asked", "knowledge.search(\"" + query + "\", SearchOptions.topK(2))");
      label = "got";
      for (KnowledgeHit hit : knowledge.search(query, SearchOptions.topK(2))) {
        console.field(
            label,
            String.format(Locale.ROOT, "similarity %.3f, ", hit.similarity())
                + hit.chunk().id()
                + ": "
                + hit.chunk().text());
        label = "";
      }
      if (fake) {
        console.more(
            "(fake server: the vectors hash words, so texts sharing words with the question rank"
                + " first; a real model ranks by meaning)");
      }

      String question = "How many days of holiday do I get, and can I carry them over?";
      console.field("asked", "knowledge.answer(\"" + question + "\")");
      KnowledgeAnswer answer = knowledge.answer(question);
      console.field("got", answer.content());
      if (fake) {
        console.more(
            "(fake server: it echoes the prompt the connector wrote: the retrieved sources,"
                + " numbered, in front of the question, and the instructions in a system message)");
      }
      console.more(
          "sources "
              + ids(answer.sources())
              + "; cited "
              + ids(answer.cited())
              + (fake ? " (the echo cites no source; a real model writes [1] and so on)" : ""));

      String toolQuestion = "Can I work from Lisbon for a whole month?";
      console.field(
          "asked",
          toolQuestion + "   (with knowledge.asTool(): the model decides what to search for)");
      ChatResponse withTool =
          ai.chat(
              ChatRequest.builder()
                  .model(models.chat())
                  .system(
                      "You answer questions about Acme Travel from its staff handbook. Search it"
                          + " before answering, and answer in one or two sentences.")
                  .user(toolQuestion)
                  .tool(knowledge.asTool())
                  .build());
      for (ToolRound round : withTool.toolRounds()) {
        Map<String, String> results =
            round.results().stream()
                .collect(Collectors.toMap(ToolMessage::toolCallId, ToolMessage::content));
        for (ToolCall call : round.request().toolCalls()) {
          console.field(
              "tool",
              call.name()
                  + " "
                  + call.arguments()
                  + " -> a JSON list of hits, "
                  + results.getOrDefault(call.id(), "").length()
                  + " characters");
        }
      }
      // The fake server echoes the tool's JSON whole; the start of it says enough.
      got(fake ? shortened(withTool.content(), 160) : withTool.content());
    }
  }

  private static String ids(List<KnowledgeHit> hits) {
    return hits.isEmpty()
        ? "none"
        : hits.stream().map(hit -> hit.chunk().id()).collect(Collectors.joining(", "));
  }

  private void images() {
    String prompt = "A lighthouse on a cliff at dawn, watercolour";
    console.field("asked", prompt + "   (" + models.images() + ", 1024x1024, one image)");
    ImageResponse response =
        ai.generateImages(
            ImageRequest.builder()
                .model(models.images())
                .prompt(prompt)
                .size("1024x1024")
                .n(1)
                .build());
    if (response.images().isEmpty()) {
      throw new StepFailedException("the provider returned no image");
    }
    for (GeneratedImage image : response.images()) {
      if (image.url().isPresent()) {
        console.field(
            "got",
            image.mimeType()
                + " at "
                + image.url().get()
                + (fake
                    ? "  (fake server: a tiny placeholder PNG it serves itself until it stops)"
                    : "  (valid for about an hour)"));
      } else {
        byte[] bytes = image.bytes().orElseThrow();
        Path file = save(bytes, image.mimeType());
        console.field(
            "got",
            image.mimeType()
                + ", "
                + bytes.length
                + " bytes, saved to "
                + file
                + (fake ? "  (fake server: a tiny placeholder PNG)" : ""));
      }
      image.revisedPrompt().ifPresent(revised -> console.more("revised prompt: " + revised));
    }
    if (response.usage().totalTokens() == 0) {
      console.more("this model reports no tokens for images (DALL-E does not; gpt-image-* does)");
    }
  }

  private static Path save(byte[] bytes, String mimeType) {
    String extension = "." + mimeType.substring(mimeType.indexOf('/') + 1);
    try {
      Path file = Files.createTempFile("openai-connector-showcase-", extension);
      Files.write(file, bytes);
      return file;
    } catch (java.io.IOException e) {
      throw new StepFailedException("cannot save the image: " + e.getMessage());
    }
  }

  private void errors() {
    console.field(
        "asked",
        "ChatRequest.builder().model(\" \").temperature(3.0).maxTokens(0).build()   (no message"
            + " either)");
    try {
      ChatRequest.builder().model(" ").temperature(3.0).maxTokens(0).build();
    } catch (RequestValidationException e) {
      console.field(
          "got",
          e.getClass().getSimpleName()
              + " (isRetriable() "
              + e.isRetriable()
              + "), before any network call, naming every problem:");
      for (String problem : e.problems()) {
        console.more("- " + problem);
      }
      console.more(
          "a provider's refusal arrives typed as well: AuthenticationException (401),"
              + " RateLimitException (429, with retryAfter()), NotFoundException (404) ...,"
              + " each with status(), errorCode() and requestId()");
      return;
    }
    throw new StepFailedException("the invalid request was accepted");
  }

  private void usageReport() {
    UsageSnapshot snapshot = ai.usage().snapshot();
    console.field("asked", "ai.usage().snapshot() after the steps above");
    String format = "%-9s %-24s %-12s %6s %8s %11s %8s";
    console.row(
        "got",
        String.format(
            Locale.ROOT,
            format,
            "provider",
            "model",
            "operation",
            "calls",
            "prompt",
            "completion",
            "total"));
    List<UsageSnapshot.Entry> entries = new ArrayList<>(snapshot.entries());
    entries.sort(
        Comparator.comparing(UsageSnapshot.Entry::providerId)
            .thenComparing(UsageSnapshot.Entry::model)
            .thenComparing(UsageSnapshot.Entry::operation));
    for (UsageSnapshot.Entry entry : entries) {
      console.row(
          "",
          String.format(
              Locale.ROOT,
              format,
              entry.providerId(),
              entry.model(),
              entry.operation(),
              entry.calls(),
              entry.usage().promptTokens(),
              entry.usage().completionTokens(),
              entry.usage().totalTokens()));
    }
    console.row(
        "",
        String.format(
            Locale.ROOT,
            format,
            "total",
            "",
            "",
            snapshot.calls(),
            snapshot.total().promptTokens(),
            snapshot.total().completionTokens(),
            snapshot.total().totalTokens()));
    if (snapshot.total().cachedTokens() > 0 || snapshot.total().reasoningTokens() > 0) {
      console.more(
          "of which "
              + snapshot.total().cachedTokens()
              + " prompt tokens came from the cache and "
              + snapshot.total().reasoningTokens()
              + " completion tokens were reasoning");
    }
    if (fake) {
      console.more("(fake server: token counts are estimates, about four characters a token)");
    }
  }

  private void got(String text) {
    console.field("got", text.isEmpty() ? "(no text)" : text + (fake ? "  " + CANNED : ""));
  }

  private static String shortened(String text, int length) {
    return text.length() <= length
        ? text
        : text.substring(0, length) + "... (" + (text.length() - length) + " more characters)";
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double normA = 0;
    double normB = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      normA += a[i] * a[i];
      normB += b[i] * b[i];
    }
    return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
  }

  static String millis(long nanos) {
    return nanos / 1_000_000 + " ms";
  }

  static String oneLine(String text) {
    String line = text.replaceAll("\\s*\\R\\s*", " ").strip();
    return line.length() > 400 ? line.substring(0, 400) + "..." : line;
  }
}
