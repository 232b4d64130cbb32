package dev.openaiconnector.showcase;

import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the showcase's calls go: a connector, and the fake server it talks to when no real
 * provider was named. Closing it closes both.
 */
final class Target implements AutoCloseable {

  /** The kinds of target, by the id {@value ShowcaseSettings#PROVIDER} takes. */
  enum Kind {
    /** The testkit's fake server, speaking OpenAI. */
    FAKE("fake"),
    /** The testkit's fake server, speaking Azure OpenAI. */
    FAKE_AZURE("fake-azure"),
    /** OpenAI, or the OpenAI-compatible server at {@code OPENAI_BASE_URL}. */
    OPENAI("openai"),
    /** Azure OpenAI at {@code AZURE_OPENAI_ENDPOINT}. */
    AZURE("azure");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    String id() {
      return id;
    }

    boolean fake() {
      return this == FAKE || this == FAKE_AZURE;
    }
  }

  // The settings the providers read; handed on from the environment so that a test can pass its
  // own (the connector's builder reads the rest of System.getenv() itself).
  private static final List<String> SETTING_PREFIXES = List.of("OPENAI_", "AZURE_", "IDENTITY_");

  private final Kind kind;
  private final @Nullable FakeOpenAiServer server;
  private final Connector connector;
  private final List<String> description;

  private Target(
      Kind kind,
      @Nullable FakeOpenAiServer server,
      Connector connector,
      List<String> description) {
    this.kind = kind;
    this.server = server;
    this.connector = connector;
    this.description = List.copyOf(description);
  }

  /**
   * Starts the fake server if the settings ask for it, and builds the connector.
   *
   * @param settings the target and the models
   * @param environment the environment variables
   * @return the target, to be closed
   * @throws dev.openaiconnector.api.ConfigurationException if the connector cannot be built
   */
  static Target open(ShowcaseSettings settings, Map<String, String> environment) {
    Connectors.Builder builder =
        Connectors.builder()
            .checkModel(Operation.CHAT, settings.models().chat())
            .checkModel(Operation.EMBEDDINGS, settings.models().embeddings());
    if (settings.target().fake()) {
      // Images cost nothing here, so the configuration test may check them too.
      builder.checkModel(Operation.IMAGES, settings.models().images());
    }
    switch (settings.target()) {
      case FAKE:
        return fake(settings.target(), FakeOpenAiServer.start(), builder);
      case FAKE_AZURE:
        return fake(settings.target(), FakeOpenAiServer.builder().azure().start(), builder);
      case OPENAI:
        return real(settings.target(), "openai", environment, builder, describeOpenAi(environment));
      case AZURE:
        return real(settings.target(), "azure", environment, builder, describeAzure(environment));
      default:
        throw new IllegalStateException("unknown target " + settings.target());
    }
  }

  private static Target fake(Kind kind, FakeOpenAiServer server, Connectors.Builder builder) {
    try {
      List<String> description = new ArrayList<>();
      if (kind == Kind.FAKE) {
        builder
            .providerId("openai")
            .setting("OPENAI_BASE_URL", server.baseUrl().toString())
            .setting("OPENAI_API_KEY", "sk-showcase-fake-key");
        description.add(
            "provider openai -> the testkit's FakeOpenAiServer at "
                + server.baseUrl()
                + ", started in this process");
      } else {
        builder
            .providerId("azure")
            .setting("AZURE_OPENAI_ENDPOINT", server.azureEndpoint().toString())
            .setting("AZURE_OPENAI_API_KEY", "showcase-fake-azure-key");
        description.add(
            "provider azure -> the testkit's FakeOpenAiServer in Azure mode at "
                + server.azureEndpoint()
                + ", started in this process");
        description.add("model names are used as deployment names");
      }
      description.add(
          "no key needed. The fake server's answers are canned: it echoes the question, calls"
              + " every tool with sample arguments, fills schemas with sample values and counts"
              + " about four characters a token. Set OPENAI_API_KEY or AZURE_OPENAI_ENDPOINT to"
              + " take the same tour with a real model.");
      return new Target(kind, server, builder.build(), description);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static Target real(
      Kind kind,
      String providerId,
      Map<String, String> environment,
      Connectors.Builder builder,
      List<String> description) {
    builder.providerId(providerId);
    environment.forEach(
        (name, value) -> {
          if (SETTING_PREFIXES.stream().anyMatch(name::startsWith) && !value.isBlank()) {
            builder.setting(name, value);
          }
        });
    List<String> lines = new ArrayList<>(description);
    lines.add(
        "image generation is not part of the configuration test (every image is billed); the"
            + " Images step makes one");
    return new Target(kind, null, builder.build(), lines);
  }

  private static List<String> describeOpenAi(Map<String, String> environment) {
    String baseUrl = ShowcaseSettings.get(environment, "OPENAI_BASE_URL");
    return List.of(
        "provider openai -> "
            + (baseUrl == null ? "https://api.openai.com/v1" : baseUrl + " (OPENAI_BASE_URL)")
            + (ShowcaseSettings.get(environment, "OPENAI_API_KEY") == null
                ? ", without a key"
                : ", key from OPENAI_API_KEY"));
  }

  private static List<String> describeAzure(Map<String, String> environment) {
    List<String> lines = new ArrayList<>();
    String auth;
    if (ShowcaseSettings.get(environment, "AZURE_OPENAI_API_KEY") != null) {
      auth = "api key from AZURE_OPENAI_API_KEY";
    } else if (ShowcaseSettings.get(environment, "AZURE_CLIENT_SECRET") != null) {
      auth = "Microsoft Entra ID, client secret";
    } else if (ShowcaseSettings.get(environment, "AZURE_CLIENT_CERTIFICATE_PATH") != null) {
      auth = "Microsoft Entra ID, client certificate";
    } else if (ShowcaseSettings.get(environment, "AZURE_FEDERATED_TOKEN_FILE") != null) {
      auth = "Microsoft Entra ID, workload identity";
    } else {
      auth = "Microsoft Entra ID, managed identity";
    }
    lines.add(
        "provider azure -> "
            + ShowcaseSettings.get(environment, "AZURE_OPENAI_ENDPOINT")
            + " (AZURE_OPENAI_ENDPOINT), "
            + auth);
    String deployments = ShowcaseSettings.get(environment, "AZURE_OPENAI_DEPLOYMENTS");
    lines.add(
        deployments == null
            ? "model names are used as deployment names; map them with"
                + " AZURE_OPENAI_DEPLOYMENTS=gpt-4o-mini=my-chat,text-embedding-3-small=my-emb,..."
            : "deployments (AZURE_OPENAI_DEPLOYMENTS): " + deployments.strip());
    return lines;
  }

  Kind kind() {
    return kind;
  }

  Connector connector() {
    return connector;
  }

  List<String> description() {
    return description;
  }

  @Override
  public void close() {
    try {
      connector.close();
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }
}
