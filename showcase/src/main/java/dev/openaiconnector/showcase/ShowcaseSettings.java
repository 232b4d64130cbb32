package dev.openaiconnector.showcase;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What the showcase runs against, with which models, and which steps it leaves out, read from
 * environment variables.
 *
 * @param target where the calls go
 * @param models the models (for Azure, the model names mapped to deployments, or the deployment
 *     names themselves)
 * @param skip the ids of the steps to leave out
 */
record ShowcaseSettings(Target.Kind target, Models models, Set<String> skip) {

  /** Chooses the target: {@code fake}, {@code fake-azure}, {@code openai} or {@code azure}. */
  static final String PROVIDER = "SHOWCASE_PROVIDER";

  /** The chat model, also used for sessions, streaming, JSON, structured output, tools and RAG. */
  static final String CHAT_MODEL = "SHOWCASE_CHAT_MODEL";

  /** The model that reads the picture; the chat model unless set. */
  static final String VISION_MODEL = "SHOWCASE_VISION_MODEL";

  /** The embeddings model. */
  static final String EMBEDDING_MODEL = "SHOWCASE_EMBEDDING_MODEL";

  /** The image generation model. */
  static final String IMAGE_MODEL = "SHOWCASE_IMAGE_MODEL";

  /** Step ids to leave out, separated by commas, such as {@code images,vision}. */
  static final String SKIP = "SHOWCASE_SKIP";

  static final String DEFAULT_CHAT_MODEL = "gpt-4o-mini";
  static final String DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";
  static final String DEFAULT_IMAGE_MODEL = "dall-e-3";

  ShowcaseSettings {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(models, "models");
    skip = Set.copyOf(skip);
  }

  /**
   * The models of each part of the tour.
   *
   * @param chat the chat model
   * @param vision the model that reads images
   * @param embeddings the embeddings model
   * @param images the image generation model
   */
  record Models(String chat, String vision, String embeddings, String images) {}

  /**
   * Reads the settings.
   *
   * @param environment the environment variables
   * @param stepIds the ids {@value #SKIP} may name
   * @return the settings
   * @throws IllegalArgumentException naming the variable whose value is not understood
   */
  static ShowcaseSettings from(Map<String, String> environment, List<String> stepIds) {
    String chat = value(environment, CHAT_MODEL, DEFAULT_CHAT_MODEL);
    Models models =
        new Models(
            chat,
            value(environment, VISION_MODEL, chat),
            value(environment, EMBEDDING_MODEL, DEFAULT_EMBEDDING_MODEL),
            value(environment, IMAGE_MODEL, DEFAULT_IMAGE_MODEL));
    return new ShowcaseSettings(target(environment), models, skip(environment, stepIds));
  }

  // An explicit choice wins; else Azure when its endpoint is set, OpenAI when its key (or a base
  // URL of a compatible server) is, and otherwise the fake server, which needs nothing.
  private static Target.Kind target(Map<String, String> environment) {
    String chosen = get(environment, PROVIDER);
    if (chosen != null) {
      for (Target.Kind kind : Target.Kind.values()) {
        if (kind.id().equals(chosen.strip().toLowerCase(Locale.ROOT))) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          PROVIDER
              + " must be one of "
              + Arrays.stream(Target.Kind.values())
                  .map(Target.Kind::id)
                  .collect(Collectors.joining(", "))
              + ", was '"
              + chosen
              + "'");
    }
    if (get(environment, "AZURE_OPENAI_ENDPOINT") != null) {
      return Target.Kind.AZURE;
    }
    if (get(environment, "OPENAI_API_KEY") != null || get(environment, "OPENAI_BASE_URL") != null) {
      return Target.Kind.OPENAI;
    }
    return Target.Kind.FAKE;
  }

  private static Set<String> skip(Map<String, String> environment, List<String> stepIds) {
    String list = get(environment, SKIP);
    Set<String> skip = new LinkedHashSet<>();
    if (list == null) {
      return skip;
    }
    for (String entry : list.split(",")) {
      String id = entry.strip().toLowerCase(Locale.ROOT);
      if (id.isEmpty()) {
        continue;
      }
      if (!stepIds.contains(id)) {
        throw new IllegalArgumentException(
            SKIP + " names the step '" + entry.strip() + "'; the steps are " + stepIds);
      }
      skip.add(id);
    }
    return skip;
  }

  private static String value(Map<String, String> environment, String name, String fallback) {
    String value = get(environment, name);
    return value == null ? fallback : value.strip();
  }

  static @Nullable String get(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value;
  }
}
