package dev.openaiconnector.core.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.PartialEmbeddingException;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.SearchOptions;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.testkit.FakeEmbeddingsPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KnowledgeTest {
  private static final String EMBEDDINGS = "text-embedding-3-small";
  private static final String CHAT = "gpt-4o-mini";

  private static final Document HANDBOOK =
      new Document(
          "handbook",
          "Holidays\n\n"
              + "Every employee gets 25 days of paid holiday a year. Holiday requests go to your"
              + " manager two weeks ahead.\n\n"
              + "Sick leave\n\n"
              + "Call in sick before nine in the morning. A doctor's note is needed after three"
              + " days of sick leave.",
          Map.of("lang", "en"));
  private static final Document EXPENSES =
      Document.of(
          "expenses",
          "Travel expenses are refunded within 30 days. Keep every receipt and file it in the"
              + " expense tool. Taxis need a receipt too.");

  private final FakeProvider fake = FakeProvider.create();
  private final Connector connector;
  // The fake's default embeddings: deterministic word hashing, 1536 dimensions for this model.
  private static final int DIMENSIONS = 1536;

  private final RecordingKnowledgeBase kb = new RecordingKnowledgeBase(DIMENSIONS);
  private final TextChunker chunker = TextChunker.builder().maxTokens(30).overlapTokens(5).build();
  private final Knowledge knowledge;
  private final ObjectMapper json = new ObjectMapper();

  KnowledgeTest() {
    connector = Connectors.builder().provider(fake).build();
    knowledge =
        Knowledge.builder()
            .connector(connector)
            .knowledgeBase(kb)
            .embeddingModel(EMBEDDINGS)
            .chatModel(CHAT)
            .chunker(chunker)
            .searchOptions(SearchOptions.topK(3))
            .build();
  }

  @AfterEach
  void close() {
    connector.close();
    kb.close();
  }

  private int embeddingCalls() {
    return fake.embeddingsPort().requests().size();
  }

  @Test
  void ingestsADocumentAsChunksWithTheirSourceAndAHashOfTheVersion() {
    List<TextChunk> expected = chunker.chunk(HANDBOOK);

    IngestResult result = knowledge.ingest(HANDBOOK);

    assertThat(expected).hasSizeGreaterThan(2);
    assertThat(result)
        .isEqualTo(
            new IngestResult(
                "handbook", expected.size(), 0, false, result.usage()));
    assertThat(result.usage().promptTokens()).isPositive();
    assertThat(kb.count(Map.of("source", "handbook"))).isEqualTo(expected.size());
    EmbeddingRequest sent = fake.embeddingsPort().lastRequest();
    assertThat(sent.model()).isEqualTo(EMBEDDINGS);
    assertThat(sent.dimensions()).isNull();
    assertThat(sent.inputs()).isEqualTo(expected.stream().map(TextChunk::text).toList());
    for (TextChunk chunk : expected) {
      KnowledgeChunk stored = kb.get(chunk.id()).orElseThrow();
      assertThat(stored.text()).isEqualTo(chunk.text());
      assertThat(stored.metadata())
          .containsAllEntriesOf(chunk.metadata())
          .containsEntry("lang", "en")
          .containsKey(Knowledge.SOURCE_HASH);
      assertThat(stored.metadata().get(Knowledge.SOURCE_HASH)).matches("[0-9a-f]{64}");
    }
  }

  @Test
  void skipsAnUnchangedDocumentWithoutEmbeddingIt() {
    knowledge.ingest(HANDBOOK);
    int calls = embeddingCalls();

    IngestResult again = knowledge.ingest(HANDBOOK);

    assertThat(again).isEqualTo(new IngestResult("handbook", 0, 0, true, TokenUsage.ZERO));
    assertThat(embeddingCalls()).isEqualTo(calls);
    assertThat(kb.count(Map.of("source", "handbook"))).isEqualTo(chunker.chunk(HANDBOOK).size());
  }

  @Test
  void replacesAChangedDocumentAndDeletesTheChunksItNoLongerHas() {
    knowledge.ingest(HANDBOOK);
    int before = chunker.chunk(HANDBOOK).size();
    Document shorter = new Document("handbook", "Every employee gets 30 days of holiday.", Map.of("lang", "en"));

    IngestResult result = knowledge.ingest(shorter);

    assertThat(result.unchanged()).isFalse();
    assertThat(result.chunksWritten()).isEqualTo(1);
    assertThat(result.chunksDeleted()).isEqualTo(before - 1);
    assertThat(kb.count(Map.of("source", "handbook"))).isEqualTo(1);
    assertThat(kb.get("handbook#0").orElseThrow().text()).isEqualTo(shorter.text());
    for (int position = 1; position < before; position++) {
      assertThat(kb.get("handbook#" + position)).isEmpty();
    }
    assertThat(knowledge.ingest(shorter).unchanged()).isTrue();
  }

  @Test
  void countsChangedMetadataOrChunkerSettingsAsAChange() {
    knowledge.ingest(HANDBOOK);
    int calls = embeddingCalls();

    IngestResult relabelled =
        knowledge.ingest(new Document("handbook", HANDBOOK.text(), Map.of("lang", "en-GB")));
    Knowledge rechunked =
        Knowledge.builder()
            .connector(connector)
            .knowledgeBase(kb)
            .embeddingModel(EMBEDDINGS)
            .chunker(chunker.toBuilder().overlapTokens(0).build())
            .build();
    IngestResult recut = rechunked.ingest(HANDBOOK);

    assertThat(relabelled.unchanged()).isFalse();
    assertThat(kb.count(Map.of("lang", "en-GB"))).isZero();
    assertThat(recut.unchanged()).isFalse();
    assertThat(embeddingCalls()).isEqualTo(calls + 2);
  }

  @Test
  void ingestsManyDocumentsInOneEmbeddingsCallAndSharesOutItsUsage() {
    knowledge.ingest(HANDBOOK);
    int calls = embeddingCalls();
    Document faq = Document.of("faq", "Where is the canteen? On the ground floor, next to the lifts.");

    List<IngestResult> results = knowledge.ingestAll(List.of(EXPENSES, HANDBOOK, faq));

    assertThat(results).extracting(IngestResult::documentId).containsExactly("expenses", "handbook", "faq");
    assertThat(results).extracting(IngestResult::unchanged).containsExactly(false, true, false);
    assertThat(embeddingCalls()).isEqualTo(calls + 1);
    long billed =
        FakeEmbeddingsPort.defaultAnswer(fake.embeddingsPort().lastRequest()).usage().promptTokens();
    assertThat(results.stream().mapToLong(result -> result.usage().promptTokens()).sum())
        .isEqualTo(billed);
    assertThat(results.get(0).usage().promptTokens()).isPositive();
    assertThat(results.get(2).usage().promptTokens()).isPositive();
  }

  @Test
  void rejectsDuplicateDocumentIdsBeforeAnyCall() {
    assertThatThrownBy(() -> knowledge.ingestAll(List.of(EXPENSES, HANDBOOK, EXPENSES)))
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("documents[2]")
        .hasMessageContaining("'expenses'");
    assertThat(embeddingCalls()).isZero();
  }

  @Test
  void removesEveryChunkOfADocument() {
    knowledge.ingestAll(List.of(HANDBOOK, EXPENSES));

    assertThat(knowledge.remove("handbook")).isEqualTo(chunker.chunk(HANDBOOK).size());
    assertThat(knowledge.remove("handbook")).isZero();
    assertThat(kb.count(Map.of())).isEqualTo(chunker.chunk(EXPENSES).size());
  }

  @Test
  void searchesByTextWithTheModelAndDimensionsOfTheChunks() {
    knowledge.ingestAll(List.of(HANDBOOK, EXPENSES));

    List<KnowledgeHit> hits = knowledge.search("how many days of paid holiday a year");
    List<KnowledgeHit> receipts =
        knowledge.search("receipt for a taxi", SearchOptions.builder().topK(1).filter("source", "expenses").build());

    assertThat(hits).hasSize(3);
    assertThat(hits.get(0).chunk().text()).contains("25 days of paid holiday a year");
    assertThat(hits.get(0).chunk().metadata()).containsEntry("source", "handbook");
    assertThat(receipts).hasSize(1);
    assertThat(receipts.get(0).chunk().text()).contains("receipt");
    EmbeddingRequest query = fake.embeddingsPort().lastRequest();
    assertThat(query.inputs()).containsExactly("receipt for a taxi");
    assertThat(query.model()).isEqualTo(EMBEDDINGS);
  }

  @Test
  void asksForTheConfiguredDimensions() {
    try (InMemoryKnowledgeBase small = InMemoryKnowledgeBase.create(64)) {
      Knowledge knowledge64 =
          Knowledge.builder()
              .connector(connector)
              .knowledgeBase(small)
              .embeddingModel(EMBEDDINGS)
              .dimensions(64)
              .build();

      knowledge64.ingest(EXPENSES);
      knowledge64.search("receipt");

      assertThat(fake.embeddingsPort().requests())
          .extracting(EmbeddingRequest::dimensions)
          .containsOnly(64);
      assertThat(small.count(Map.of())).isPositive();
    }
  }

  @Test
  void rejectsEmbeddingsOfOtherDimensionsThanTheKnowledgeBase() {
    try (InMemoryKnowledgeBase wide = InMemoryKnowledgeBase.create(3072)) {
      assertThatThrownBy(
              () ->
                  Knowledge.builder()
                      .connector(connector)
                      .knowledgeBase(wide)
                      .embeddingModel(EMBEDDINGS)
                      .dimensions(512)
                      .build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("dimensions is 512")
          .hasMessageContaining("knowledge base holds vectors of 3072");

      Knowledge mismatched =
          Knowledge.builder().connector(connector).knowledgeBase(wide).embeddingModel(EMBEDDINGS).build();
      assertThatThrownBy(() -> mismatched.ingest(HANDBOOK))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("returned vectors of " + DIMENSIONS + " dimensions")
          .hasMessageContaining("knowledge base holds vectors of 3072")
          .hasMessageContaining("dimensions(3072)");
      assertThatThrownBy(() -> mismatched.ingestAll(List.of(HANDBOOK, EXPENSES)))
          .isInstanceOfSatisfying(
              IngestException.class,
              e -> {
                assertThat(e.failures()).containsOnlyKeys("handbook", "expenses");
                assertThat(e).hasCauseInstanceOf(ConfigurationException.class);
              });
      assertThat(wide.count(Map.of())).isZero();
    }
  }

  @Test
  void reportsEveryMissingSettingAtOnce() {
    assertThatThrownBy(() -> Knowledge.builder().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("connector is required")
        .hasMessageContaining("knowledgeBase is required")
        .hasMessageContaining("embeddingModel is required");
  }

  @Test
  void answersFromTheRetrievedChunksAndTellsWhichItCites() {
    knowledge.ingestAll(List.of(HANDBOOK, EXPENSES));
    fake.chat().enqueueText("You get 25 days of paid holiday a year [1]. Ask your manager [3, 9].");

    KnowledgeAnswer answer = knowledge.answer("How many days of paid holiday do I get a year?");

    assertThat(answer.content()).startsWith("You get 25 days");
    assertThat(answer.sources()).hasSize(3);
    assertThat(answer.cited()).containsExactly(answer.sources().get(0), answer.sources().get(2));
    assertThat(answer.sources().get(0).chunk().text()).contains("25 days of paid holiday");

    ChatRequest sent = fake.chat().lastRequest();
    assertThat(sent.model()).isEqualTo(CHAT);
    List<ChatMessage> messages = sent.messages();
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0)).isEqualTo(new SystemMessage(Knowledge.DEFAULT_INSTRUCTIONS));
    String prompt = messages.get(1).text();
    assertThat(messages.get(1)).isInstanceOf(UserMessage.class);
    assertThat(prompt).startsWith("Sources:\n\n<source id=\"1\" document=\"handbook\" position=\"");
    for (int i = 0; i < 3; i++) {
      KnowledgeChunk chunk = answer.sources().get(i).chunk();
      assertThat(prompt)
          .contains(
              "<source id=\""
                  + (i + 1)
                  + "\" document=\""
                  + chunk.metadata().get("source")
                  + "\" position=\""
                  + chunk.metadata().get("position")
                  + "\">\n"
                  + chunk.text()
                  + "\n</source>");
    }
    assertThat(prompt).endsWith("\n\nQuestion:\nHow many days of paid holiday do I get a year?");
    assertThat(Knowledge.DEFAULT_INSTRUCTIONS)
        .contains("only the sources")
        .contains("<source id=\"n\"")
        .contains("[1]")
        .contains("do not know");
  }

  @Test
  void answersARequestKeepingItsConversationAndOptions() {
    knowledge.ingest(HANDBOOK);
    fake.chat().enqueueText("Before nine [1].");
    ChatRequest request =
        ChatRequest.builder()
            .model("gpt-4o")
            .system("You are the HR assistant.")
            .user("Hello")
            .assistant("Hello! How can I help?")
            .user("When do I have to call in sick?")
            .temperature(0.2)
            .build();

    KnowledgeAnswer answer =
        knowledge.answer(request, SearchOptions.builder().topK(2).filter("lang", "en").build());

    ChatRequest sent = fake.chat().lastRequest();
    assertThat(sent.model()).isEqualTo("gpt-4o");
    assertThat(sent.temperature()).isEqualTo(0.2);
    assertThat(sent.messages().subList(0, 3)).isEqualTo(request.messages().subList(0, 3));
    assertThat(sent.messages().get(3)).isEqualTo(new SystemMessage(Knowledge.DEFAULT_INSTRUCTIONS));
    assertThat(sent.messages().get(4).text())
        .contains("Call in sick before nine")
        .endsWith("Question:\nWhen do I have to call in sick?");
    assertThat(fake.embeddingsPort().lastRequest().inputs())
        .containsExactly("When do I have to call in sick?");
    assertThat(answer.sources()).hasSize(2);
    assertThat(answer.cited()).containsExactly(answer.sources().get(0));
  }

  @Test
  void stillAsksTheModelWhenNothingIsFound() {
    knowledge.ingest(HANDBOOK);
    fake.chat().enqueueText("I do not know from the available sources.");

    KnowledgeAnswer answer =
        knowledge.answer(
            "What is the wifi password?", SearchOptions.builder().minSimilarity(0.99).build());

    assertThat(answer.sources()).isEmpty();
    assertThat(answer.cited()).isEmpty();
    assertThat(fake.chat().lastRequest().messages().get(1).text())
        .isEqualTo("Sources: none were found for this question.\n\nQuestion:\nWhat is the wifi password?");
  }

  @Test
  void rejectsBadQuestionsBeforeAnyCall() {
    Knowledge withoutChatModel =
        Knowledge.builder().connector(connector).knowledgeBase(kb).embeddingModel(EMBEDDINGS).build();

    assertThatThrownBy(() -> knowledge.answer(" "))
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("question must not be blank");
    assertThatThrownBy(() -> knowledge.search("\n"))
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("query must not be blank");
    assertThatThrownBy(() -> withoutChatModel.answer("Why?"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("chatModel(\"gpt-4o-mini\")");
    ChatRequest endsWithAnswer =
        ChatRequest.builder().model(CHAT).user("Hi").assistant("Hello").build();
    assertThatThrownBy(() -> knowledge.answer(endsWithAnswer, SearchOptions.defaults()))
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("last message must be the user's question")
        .hasMessageContaining("it is the assistant's message");
    assertThat(embeddingCalls()).isZero();
    assertThat(fake.chat().requests()).isEmpty();
  }

  @Test
  void theModelSearchesTheKnowledgeBaseThroughTheToolInTheLoop() throws Exception {
    knowledge.ingestAll(List.of(HANDBOOK, EXPENSES));
    Tool tool = knowledge.asTool();
    fake.chat()
        .enqueue(
            toolCall(new ToolCall("call_1", "search_knowledge_base", "{\"query\":\"paid holiday days a year\"}")))
        .enqueueText("You get 25 days a year.");

    ChatResponse response =
        connector.chat(
            ChatRequest.builder().model(CHAT).user("How much holiday do I get?").tool(tool).build());

    assertThat(response.content()).isEqualTo("You get 25 days a year.");
    assertThat(response.toolRounds()).hasSize(1);
    assertThat(tool.definition().name()).isEqualTo("search_knowledge_base");
    assertThat(tool.definition().parametersSchema()).contains("\"query\"");
    assertThat(fake.chat().requests().get(0).tools()).containsExactly(tool);
    ChatMessage last = fake.chat().lastRequest().messages().get(2);
    assertThat(last).isInstanceOf(ToolMessage.class);
    assertThat(((ToolMessage) last).toolCallId()).isEqualTo("call_1");
    JsonNode hits = json.readTree(last.text());
    assertThat(hits.isArray()).isTrue();
    assertThat(hits.size()).isEqualTo(3);
    JsonNode best = hits.get(0);
    assertThat(best.get("text").asText()).contains("25 days of paid holiday a year");
    assertThat(best.get("source").asText()).isEqualTo("handbook");
    assertThat(best.get("id").asText()).isEqualTo("handbook#" + best.get("position").asInt());
    double similarity = best.get("similarity").asDouble();
    assertThat(similarity).isBetween(0.0, 1.0);
    assertThat(Math.round(similarity * 1000) / 1000.0).isEqualTo(similarity);
    assertThat(fake.embeddingsPort().lastRequest().inputs()).containsExactly("paid holiday days a year");
  }

  @Test
  void theToolSendsABlankQueryBackToTheModelToCorrect() {
    Tool tool = knowledge.searchTool("handbook", "Searches the HR handbook", SearchOptions.topK(2));
    fake.chat()
        .enqueue(toolCall(new ToolCall("call_1", "handbook", "{\"query\":\"  \"}")))
        .enqueueText("Sorry.");

    connector.chat(ChatRequest.builder().model(CHAT).user("?").tool(tool).build());

    assertThat(fake.chat().lastRequest().messages().get(2).text())
        .contains("query: must not be blank");
    assertThat(embeddingCalls()).isZero();
  }

  @Test
  void aDocumentTheKnowledgeBaseRefusesFailsAloneAndTheOthersAreWritten() {
    Document faq = Document.of("faq", "Where is the canteen? On the ground floor, next to the lifts.");
    kb.refuse("handbook");

    assertThatThrownBy(() -> knowledge.ingestAll(List.of(EXPENSES, HANDBOOK, faq)))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> {
              assertThat(e.results()).extracting(IngestResult::documentId).containsExactly("expenses", "faq");
              assertThat(e.results()).allSatisfy(result -> assertThat(result.chunksWritten()).isPositive());
              assertThat(e.failures()).containsOnlyKeys("handbook");
              assertThat(e.failures().get("handbook"))
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("refused");
              assertThat(e.notAttempted()).isEmpty();
              assertThat(e.isRetriable()).isFalse();
              assertThat(e).hasMessageContaining("1 of 3 documents were not ingested").hasMessageContaining("'handbook'");
            });
    assertThat(embeddingCalls()).isEqualTo(1);
    assertThat(kb.count(Map.of("source", "expenses"))).isEqualTo(chunker.chunk(EXPENSES).size());
    assertThat(kb.count(Map.of("source", "faq"))).isEqualTo(chunker.chunk(faq).size());
    assertThat(kb.count(Map.of("source", "handbook"))).isZero();

    // The next run embeds only what is missing.
    kb.accept("handbook");
    List<IngestResult> again = knowledge.ingestAll(List.of(EXPENSES, HANDBOOK, faq));

    assertThat(again).extracting(IngestResult::unchanged).containsExactly(true, false, true);
    assertThat(embeddingCalls()).isEqualTo(2);
    assertThat(fake.embeddingsPort().lastRequest().inputs())
        .isEqualTo(chunker.chunk(HANDBOOK).stream().map(TextChunk::text).toList());
  }

  @Test
  void ingestOfOneDocumentThrowsItsOwnFailure() {
    kb.refuse("handbook");

    assertThatThrownBy(() -> knowledge.ingest(HANDBOOK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused the chunks of 'handbook'");
  }

  @Test
  void writesTheDocumentsWhoseChunksGotVectorsWhenAnEmbeddingsCallFailsInPart() {
    fake.embeddingsPort().maxInputsPerRequest(1);
    fake.embeddingsPort()
        .answerWith(
            request -> {
              if (request.inputs().get(0).contains("poison")) {
                throw new InvalidRequestException("input too long", ErrorDetails.NONE, null);
              }
              return FakeEmbeddingsPort.defaultAnswer(request);
            });
    Document poisoned = Document.of("poisoned", "This text holds poison for the embeddings model.");

    assertThatThrownBy(() -> knowledge.ingestAll(List.of(EXPENSES, poisoned, HANDBOOK)))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> {
              assertThat(e.results()).extracting(IngestResult::documentId).containsExactly("expenses", "handbook");
              assertThat(e.failures()).containsOnlyKeys("poisoned");
              assertThat(e.failures().get("poisoned")).isInstanceOf(PartialEmbeddingException.class);
              assertThat(e.notAttempted()).isEmpty();
            });
    assertThat(kb.count(Map.of("source", "handbook"))).isEqualTo(chunker.chunk(HANDBOOK).size());
    assertThat(kb.count(Map.of("source", "expenses"))).isEqualTo(chunker.chunk(EXPENSES).size());
    assertThat(kb.count(Map.of("source", "poisoned"))).isZero();
  }

  @Test
  void stopsAfterAnEmbeddingsCallWithoutAnyVectorAndReportsTheRestAsNotAttempted() {
    // One character-sized chunk per word: the first document fills a whole embeddings call.
    TextChunker tiny = TextChunker.builder().maxTokens(1).overlapTokens(0).build();
    Knowledge knowledgeOfTiny =
        Knowledge.builder().connector(connector).knowledgeBase(kb).embeddingModel(EMBEDDINGS).chunker(tiny).build();
    Document big = Document.of("big", "ab. ".repeat(4096));
    fake.embeddingsPort()
        .answerWith(
            request -> {
              throw new AuthenticationException("bad key", ErrorDetails.NONE, null);
            });

    assertThatThrownBy(() -> knowledgeOfTiny.ingestAll(List.of(big, EXPENSES, HANDBOOK)))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> {
              assertThat(e.results()).isEmpty();
              assertThat(e.failures()).containsOnlyKeys("big");
              assertThat(e).hasCauseInstanceOf(AuthenticationException.class);
              assertThat(e.notAttempted()).containsExactly("expenses", "handbook");
              assertThat(e).hasMessageContaining("2 not attempted");
            });
    assertThat(tiny.chunk(big)).hasSize(4096);
    assertThat(fake.embeddingsPort().requests())
        .allSatisfy(request -> assertThat(request.inputs()).noneMatch(input -> input.contains("receipt")));
  }

  @Test
  void checksTheFirstChunkBeforeCountingAndCountsOnlyWhenItsHashMatches() {
    knowledge.ingest(HANDBOOK);
    kb.takeCalls();

    knowledge.ingest(new Document("handbook", HANDBOOK.text() + " Addendum.", Map.of("lang", "en")));
    List<String> changed = kb.takeCalls();
    knowledge.ingest(new Document("handbook", HANDBOOK.text() + " Addendum.", Map.of("lang", "en")));
    List<String> unchanged = kb.takeCalls();

    // A changed document: one look at its first chunk, no count before the embeddings call; one
    // count after the write, to find stale chunks.
    assertThat(changed).containsExactly("get", "upsert", "count");
    assertThat(unchanged).containsExactly("get", "count", "count");
  }

  @Test
  void deletesEveryStaleChunkEvenAfterAnOutOfBandDelete() {
    knowledge.ingest(HANDBOOK);
    int before = chunker.chunk(HANDBOOK).size();
    assertThat(before).isGreaterThanOrEqualTo(3);
    kb.delegate().delete(List.of("handbook#1")); // a hole in the stored positions
    Document shorter = new Document("handbook", "Every employee gets 30 days of holiday.", Map.of("lang", "en"));

    IngestResult result = knowledge.ingest(shorter);

    assertThat(result.chunksDeleted()).isEqualTo(before - 2);
    assertThat(kb.count(Map.of("source", "handbook"))).isEqualTo(1);
    for (int position = 1; position < before; position++) {
      assertThat(kb.get("handbook#" + position)).isEmpty();
    }
    int calls = embeddingCalls();
    assertThat(knowledge.ingest(shorter).unchanged()).isTrue();
    assertThat(embeddingCalls()).isEqualTo(calls);
  }

  @Test
  void deletesAChunkStoredUnderTheDocumentsSourceByOtherMeansWithoutEmbeddingAgain() {
    knowledge.ingest(HANDBOOK);
    float[] vector = kb.get("handbook#0").orElseThrow().vector();
    kb.delegate()
        .upsert(List.of(new KnowledgeChunk("note on the handbook", "stale", Map.of("source", "handbook"), vector)));
    int calls = embeddingCalls();

    IngestResult again = knowledge.ingest(HANDBOOK);

    assertThat(again).isEqualTo(new IngestResult("handbook", 0, 1, true, TokenUsage.ZERO));
    assertThat(embeddingCalls()).isEqualTo(calls);
    assertThat(kb.get("note on the handbook")).isEmpty();
    assertThat(knowledge.ingest(HANDBOOK)).isEqualTo(new IngestResult("handbook", 0, 0, true, TokenUsage.ZERO));
  }

  @Test
  void aChangedDocumentAlsoDeletesStaleChunksTheIdsDoNotReach() {
    knowledge.ingest(HANDBOOK);
    float[] vector = kb.get("handbook#0").orElseThrow().vector();
    kb.delegate()
        .upsert(
            List.of(
                new KnowledgeChunk("handbook#500", "far", Map.of("source", "handbook"), vector),
                new KnowledgeChunk("elsewhere", "odd", Map.of("source", "handbook", "source_hash", "0"), vector)));
    int before = chunker.chunk(HANDBOOK).size();

    IngestResult result = knowledge.ingest(Document.of("handbook", "Every employee gets 30 days of holiday."));

    assertThat(result.chunksDeleted()).isEqualTo(before - 1 + 2);
    assertThat(kb.count(Map.of("source", "handbook"))).isEqualTo(1);
  }

  @Test
  void rejectsADocumentThatCannotBeStoredBeforeAnythingIsEmbedded() {
    assertThatThrownBy(() -> Document.of("notes", "one\u0000two"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text of document 'notes'")
        .hasMessageContaining("U+0000");
    assertThatThrownBy(() -> Document.of("notes\ud800", "text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id of document 'notes\\uD800'")
        .hasMessageContaining("unpaired surrogate");
    assertThatThrownBy(() -> new Document("notes", "text", Map.of("lang", "e\udc00n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata value of key 'lang' of document 'notes'");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("lang", null);
    assertThatThrownBy(() -> new Document("notes", "text", nullValue))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null value for key 'lang'");
    assertThat(Document.of("emoji", "smile \ud83d\ude00").text()).endsWith("\ud83d\ude00");
  }

  private static ChatResponse toolCall(ToolCall call) {
    return ChatResponse.builder()
        .id("chatcmpl-calls")
        .model(CHAT)
        .choice(new Choice(0, new AssistantMessage(null, List.of(call), null), FinishReason.TOOL_CALLS))
        .usage(TokenUsage.of(10, 5))
        .build();
  }
}
