package dev.openaiconnector.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * The domain assertions {@link FakeProviderAssert} and {@link FakeOpenAiServerAssert} share: what
 * the fake was asked, in terms of messages, tools, models, embedding inputs and image prompts. A
 * failure lists what the fake did receive. Start from {@link FakeAssertions#assertThat}.
 *
 * @param <S> the assertion's own type, for chaining
 * @param <A> the fake's type
 */
public abstract class AbstractFakeAssert<S extends AbstractFakeAssert<S, A>, A>
    extends AbstractAssert<S, A> {

  AbstractFakeAssert(A actual, Class<?> selfType) {
    super(actual, selfType);
  }

  /** Reads what the fake received, now. */
  abstract Received received();

  /**
   * Checks that a chat call (plain or streamed) held a user message with exactly this text (text
   * parts joined by newlines).
   *
   * @param text the message's text
   * @return this assertion
   */
  public S receivedUserMessage(String text) {
    Objects.requireNonNull(text, "text");
    isNotNull();
    List<String> texts = texts("user");
    if (!texts.contains(text)) {
      failWithMessage(
          "Expected %s to have received the user message%n  %s%nbut its user messages were%n  %s",
          actual, quote(text), quoteAll(texts));
    }
    return myself;
  }

  /**
   * Checks that a chat call held a user message containing this text.
   *
   * @param part the text to find
   * @return this assertion
   */
  public S receivedUserMessageContaining(String part) {
    Objects.requireNonNull(part, "part");
    isNotNull();
    List<String> texts = texts("user");
    if (texts.stream().noneMatch(text -> text.contains(part))) {
      failWithMessage(
          "Expected %s to have received a user message containing%n  %s%nbut its user messages"
              + " were%n  %s",
          actual, quote(part), quoteAll(texts));
    }
    return myself;
  }

  /**
   * Checks that a chat call held a system (or, on the wire, developer) message with exactly this
   * text.
   *
   * @param text the instructions
   * @return this assertion
   */
  public S receivedSystemMessage(String text) {
    Objects.requireNonNull(text, "text");
    isNotNull();
    List<String> texts = texts("system");
    texts.addAll(texts("developer"));
    if (!texts.contains(text)) {
      failWithMessage(
          "Expected %s to have received the system message%n  %s%nbut its system messages were%n"
              + "  %s",
          actual, quote(text), quoteAll(texts));
    }
    return myself;
  }

  /**
   * Checks that a chat call sent back the result of a call to this tool with exactly this
   * content: a tool message answering a call, of the assistant message before it, to the tool.
   *
   * @param toolName the tool's name
   * @param content the result, as sent
   * @return this assertion
   */
  public S receivedToolResult(String toolName, String content) {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(content, "content");
    isNotNull();
    List<String> results = toolResults();
    if (!results.contains(describeResult(toolName, content))) {
      failWithMessage(
          "Expected %s to have received the result of tool %s%n  %s%nbut the tool results it"
              + " received were%n  %s",
          actual,
          toolName,
          quote(content),
          results.isEmpty() ? "(none)" : String.join("\n  ", results));
    }
    return myself;
  }

  /**
   * Checks that a chat call offered the model this tool.
   *
   * @param toolName the tool's name
   * @return this assertion
   */
  public S offeredTool(String toolName) {
    Objects.requireNonNull(toolName, "toolName");
    isNotNull();
    List<String> offered = new ArrayList<>();
    for (Received.ChatCall call : received().chats()) {
      for (String tool : call.tools()) {
        if (!offered.contains(tool)) {
          offered.add(tool);
        }
      }
    }
    if (!offered.contains(toolName)) {
      failWithMessage(
          "Expected %s to have been offered the tool %s but the tools offered were %s",
          actual, toolName, offered);
    }
    return myself;
  }

  /**
   * Checks that a call of any kind (chat, stream, embeddings, images) named this model.
   *
   * @param model the model, or on Azure's deployments layout the deployment
   * @return this assertion
   */
  public S usedModel(String model) {
    Objects.requireNonNull(model, "model");
    isNotNull();
    List<String> models = received().models();
    if (!models.contains(model)) {
      failWithMessage(
          "Expected %s to have been called with model %s but the models used were %s",
          actual, model, models);
    }
    return myself;
  }

  /**
   * Checks how many chat calls, plain and streamed, the fake received.
   *
   * @param count the expected number
   * @return this assertion
   */
  public S receivedChatRequests(int count) {
    isNotNull();
    int actualCount = received().chats().size();
    if (actualCount != count) {
      failWithMessage(
          "Expected %s to have received %s chat request(s) but it received %s",
          actual, count, actualCount);
    }
    return myself;
  }

  /**
   * Checks that the embedding batches together held exactly these inputs, in any order (batches
   * may run in parallel) and each as often as given.
   *
   * @param inputs the texts
   * @return this assertion
   */
  public S receivedEmbeddingInputs(String... inputs) {
    Objects.requireNonNull(inputs, "inputs");
    isNotNull();
    List<String> all = new ArrayList<>();
    for (Received.EmbeddingCall call : received().embeddings()) {
      all.addAll(call.inputs());
    }
    List<String> expected = Arrays.asList(inputs);
    if (!sorted(all).equals(sorted(expected))) {
      List<String> missing = new ArrayList<>(expected);
      all.forEach(missing::remove);
      List<String> extra = new ArrayList<>(all);
      expected.forEach(extra::remove);
      failWithMessage(
          "Expected %s to have received the embedding inputs%n  %s%nbut it received%n  %s%n"
              + "missing: %s%nunexpected: %s",
          actual, quoteAll(expected), quoteAll(all), quoteAll(missing), quoteAll(extra));
    }
    return myself;
  }

  /**
   * Checks how many embedding batches (requests) the fake received.
   *
   * @param count the expected number
   * @return this assertion
   */
  public S receivedEmbeddingBatches(int count) {
    isNotNull();
    int actualCount = received().embeddings().size();
    if (actualCount != count) {
      failWithMessage(
          "Expected %s to have received %s embedding batch(es) but it received %s",
          actual, count, actualCount);
    }
    return myself;
  }

  /**
   * Checks that an image request had exactly this prompt.
   *
   * @param prompt the prompt
   * @return this assertion
   */
  public S receivedImagePrompt(String prompt) {
    Objects.requireNonNull(prompt, "prompt");
    isNotNull();
    List<String> prompts = new ArrayList<>();
    for (Received.ImageCall call : received().images()) {
      prompts.add(call.prompt());
    }
    if (!prompts.contains(prompt)) {
      failWithMessage(
          "Expected %s to have received the image prompt%n  %s%nbut its image prompts were%n  %s",
          actual, quote(prompt), quoteAll(prompts));
    }
    return myself;
  }

  /**
   * Checks that the fake received no chat, stream, embeddings or image call at all.
   *
   * @return this assertion
   */
  public S receivedNoRequests() {
    isNotNull();
    Received received = received();
    if (received.count() > 0) {
      failWithMessage(
          "Expected %s to have received no request but it received %s chat, %s embeddings and %s"
              + " image request(s)",
          actual, received.chats().size(), received.embeddings().size(), received.images().size());
    }
    return myself;
  }

  private List<String> texts(String role) {
    List<String> texts = new ArrayList<>();
    for (Received.ChatCall call : received().chats()) {
      for (Received.Message message : call.messages()) {
        if (message.role().equals(role)) {
          texts.add(message.text());
        }
      }
    }
    return texts;
  }

  private List<String> toolResults() {
    List<String> results = new ArrayList<>();
    for (Received.ChatCall call : received().chats()) {
      for (Received.Message message : call.messages()) {
        if (message.role().equals("tool")) {
          String result =
              describeResult(
                  message.toolName() == null ? "(unknown call)" : message.toolName(),
                  message.text());
          if (!results.contains(result)) {
            results.add(result);
          }
        }
      }
    }
    return results;
  }

  private static String describeResult(String toolName, String content) {
    return toolName + ": " + quote(content);
  }

  static String quote(String text) {
    return "\"" + text.replace("\n", "\\n") + "\"";
  }

  static String quoteAll(List<String> texts) {
    return texts.isEmpty()
        ? "(none)"
        : texts.stream().map(AbstractFakeAssert::quote).collect(Collectors.joining(", "));
  }

  private static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    copy.sort(null);
    return copy;
  }
}
