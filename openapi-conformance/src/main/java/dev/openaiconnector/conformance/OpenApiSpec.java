package dev.openaiconnector.conformance;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An official API description, loaded once per JVM, that validates JSON documents against its
 * {@code components.schemas}.
 *
 * <pre>{@code
 * OpenApiSpec.openAi().assertValid("CreateChatCompletionRequest", requestBody);
 * }</pre>
 *
 * <p>The folder comes from the system property {@code openapi.dir}; the build sets it to {@code
 * ../shared/openapi}, and {@code ./mvnw verify -Dopenapi.dir=/path} overrides it. When the file is
 * not there, {@link #openAi()} and {@link #azure()} abort the calling test (it is reported as
 * skipped), except when the environment variable {@code CI} is {@code true}, where they fail.
 *
 * <p>The OpenAPI 3.0 keywords still used by the descriptions ({@code nullable}, boolean {@code
 * exclusiveMinimum}) are rewritten to JSON Schema 2020-12 before validating. {@code format} is an
 * annotation only, as 2020-12 specifies, and {@code discriminator} is ignored (the {@code oneOf} it
 * annotates is still checked). Thread-safe.
 */
public final class OpenApiSpec {
  /** The system property naming the folder that holds the API descriptions. */
  public static final String DIRECTORY_PROPERTY = "openapi.dir";

  static final String OPENAI_FILE = "openai.yaml";
  static final String AZURE_FILE = "azure-openai-inference.json";

  /**
   * Never fetched: it only gives the in-memory document an absolute IRI to resolve refs against.
   */
  private static final String BASE_IRI = "https://openapi-conformance.invalid/";

  private static final int MAX_JSON_IN_MESSAGE = 4096;
  private static final int MAX_YAML_CODE_POINTS = 64 * 1024 * 1024;
  private static final Map<Path, OpenApiSpec> LOADED = new ConcurrentHashMap<>();

  // The documents under test must be exact: a duplicate key or trailing garbage is a bug too.
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private final Path source;
  private final ObjectNode document;
  private final Set<String> schemaNames;
  private final SpecNormalizer.Rewrites rewrites;
  private final Schema root;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  private OpenApiSpec(Path source, ObjectNode document, SpecNormalizer.Rewrites rewrites) {
    this.source = source;
    this.document = document;
    this.rewrites = rewrites;
    this.schemaNames = new TreeSet<>(document.path("components").path("schemas").propertyNames());
    String iri = BASE_IRI + source.getFileName();
    this.root =
        SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                registry ->
                    registry.schemaRegistryConfig(
                        SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build()))
            .getSchema(SchemaLocation.of(iri), document);
  }

  /**
   * Returns the OpenAI API description ({@code openai.yaml}), parsed on first use.
   *
   * @return the shared instance
   * @throws org.opentest4j.TestAbortedException if the file is missing and {@code CI} is not {@code
   *     true}
   * @throws IllegalStateException if the file is missing on CI, or cannot be read
   */
  public static OpenApiSpec openAi() {
    return shared("OpenAI", OPENAI_FILE);
  }

  /**
   * Returns the Azure OpenAI inference API description ({@code azure-openai-inference.json}),
   * parsed on first use.
   *
   * @return the shared instance
   * @throws org.opentest4j.TestAbortedException if the file is missing and {@code CI} is not {@code
   *     true}
   * @throws IllegalStateException if the file is missing on CI, or cannot be read
   */
  public static OpenApiSpec azure() {
    return shared("Azure OpenAI", AZURE_FILE);
  }

  private static OpenApiSpec shared(String title, String fileName) {
    Path file =
        locate(
            title,
            System.getProperty(DIRECTORY_PROPERTY),
            fileName,
            "true".equalsIgnoreCase(String.valueOf(System.getenv("CI")).trim()));
    return LOADED.computeIfAbsent(file, OpenApiSpec::load);
  }

  /**
   * Finds the description file, or aborts the test (or fails it on CI) with a message that says how
   * to point the build at it.
   */
  static Path locate(String title, @Nullable String folder, String fileName, boolean onCi) {
    @Nullable Path file =
        folder == null || folder.isBlank()
            ? null
            : Path.of(folder).resolve(fileName).toAbsolutePath().normalize();
    if (file != null && Files.isRegularFile(file)) {
      return file;
    }
    String where =
        file == null ? "(system property " + DIRECTORY_PROPERTY + " is not set)" : "at " + file;
    String message =
        title
            + " spec not found "
            + where
            + "; set -D"
            + DIRECTORY_PROPERTY
            + "=<folder with "
            + fileName
            + "> to run the conformance tests";
    if (onCi) {
      throw new IllegalStateException(message + " (CI=true: a missing spec fails the build)");
    }
    return Assumptions.abort(message);
  }

  /**
   * Reads, normalizes and wraps one description file; not cached.
   *
   * @param file a YAML ({@code .yaml}, {@code .yml}) or JSON file
   * @return the spec
   */
  static OpenApiSpec load(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    JsonNode tree;
    try {
      tree =
          name.endsWith(".yaml") || name.endsWith(".yml")
              ? JSON.readTree(yamlToJson(file))
              : JSON.readTree(Files.readAllBytes(file));
    } catch (IOException | JacksonException e) {
      throw new IllegalStateException("Cannot read the API description " + file + ": " + e, e);
    }
    if (!(tree instanceof ObjectNode) || !tree.path("components").path("schemas").isObject()) {
      throw new IllegalStateException("Not an OpenAPI document with components.schemas: " + file);
    }
    ObjectNode document = (ObjectNode) tree;
    return new OpenApiSpec(file, document, SpecNormalizer.normalize(document));
  }

  /**
   * Reads YAML with SnakeYAML (YAML 1.1) rather than Jackson 3's YAML 1.2 parser, which rejects a
   * block scalar in openai.yaml whose leading blank line is indented deeper than the next key.
   */
  private static byte[] yamlToJson(Path file) throws IOException {
    LoaderOptions options = new LoaderOptions();
    // SnakeYAML refuses documents over 3 MB by default; openai.yaml is just under and growing.
    options.setCodePointLimit(MAX_YAML_CODE_POINTS);
    YAMLFactory yaml = YAMLFactory.builder().loaderOptions(options).build();
    ByteArrayOutputStream json = new ByteArrayOutputStream((int) Files.size(file));
    try (InputStream in = Files.newInputStream(file);
        com.fasterxml.jackson.core.JsonParser parser = yaml.createParser(in);
        com.fasterxml.jackson.core.JsonGenerator generator =
            new com.fasterxml.jackson.core.JsonFactory().createGenerator(json)) {
      parser.nextToken();
      generator.copyCurrentStructure(parser);
    }
    return json.toByteArray();
  }

  /**
   * Returns the file this spec was read from.
   *
   * @return an absolute path
   */
  public Path source() {
    return source;
  }

  /**
   * Returns the names under {@code components.schemas}.
   *
   * @return the names, sorted
   */
  public Set<String> schemaNames() {
    return schemaNames;
  }

  /**
   * Validates a JSON document against {@code #/components/schemas/<schemaName>}.
   *
   * @param schemaName a name from {@link #schemaNames()}, such as {@code
   *     CreateChatCompletionResponse}
   * @param json the document
   * @return one readable line per violation, each starting with the JSON path it concerns; empty
   *     when the document is valid
   * @throws IllegalArgumentException if the spec has no schema of that name
   */
  public List<String> validate(String schemaName, String json) {
    Objects.requireNonNull(json, "json");
    Schema schema = schema(schemaName);
    JsonNode instance;
    try {
      instance = JSON.readTree(json);
    } catch (JacksonException e) {
      return List.of("$: not valid JSON: " + e.getOriginalMessage());
    }
    if (instance == null || instance.isMissingNode()) {
      return List.of("$: not valid JSON: the document is empty");
    }
    Set<String> violations = new LinkedHashSet<>();
    for (Error error : schema.validate(instance)) {
      violations.add(error.toString());
    }
    return List.copyOf(violations);
  }

  /**
   * Fails unless a JSON document is valid against {@code #/components/schemas/<schemaName>}.
   *
   * @param schemaName a name from {@link #schemaNames()}
   * @param json the document
   * @throws AssertionError listing the violations and the document (cut to a few KB)
   * @throws IllegalArgumentException if the spec has no schema of that name
   */
  public void assertValid(String schemaName, String json) {
    List<String> violations = validate(schemaName, json);
    if (violations.isEmpty()) {
      return;
    }
    StringBuilder message =
        new StringBuilder()
            .append("JSON is not a valid ")
            .append(schemaName)
            .append(" per ")
            .append(source.getFileName())
            .append(" (")
            .append(violations.size())
            .append(violations.size() == 1 ? " violation" : " violations")
            .append("):");
    for (String violation : violations) {
      message.append("\n  - ").append(violation);
    }
    message.append("\nJSON: ");
    if (json.length() > MAX_JSON_IN_MESSAGE) {
      message
          .append(json, 0, MAX_JSON_IN_MESSAGE)
          .append("... (")
          .append(json.length() - MAX_JSON_IN_MESSAGE)
          .append(" more characters)");
    } else {
      message.append(json);
    }
    throw new AssertionError(message.toString());
  }

  /** The schema node as it is after normalization, for tests that read the spec's own examples. */
  JsonNode schemaNode(String schemaName) {
    requireKnown(schemaName);
    return document.path("components").path("schemas").path(schemaName);
  }

  SpecNormalizer.Rewrites rewrites() {
    return rewrites;
  }

  /** Building a schema resolves nothing yet, so one per name is cheap; the cache spares repeats. */
  private Schema schema(String schemaName) {
    requireKnown(schemaName);
    return schemas.computeIfAbsent(schemaName, this::buildSchema);
  }

  private Schema buildSchema(String schemaName) {
    try {
      return root.getRefSchema(
          SchemaLocation.of(root.getSchemaLocation() + "#/components/schemas/" + schemaName)
              .getFragment());
    } catch (SchemaException e) {
      throw new IllegalStateException(
          "Cannot build the validator for " + schemaName + " of " + source + ": " + e, e);
    }
  }

  private void requireKnown(String schemaName) {
    Objects.requireNonNull(schemaName, "schemaName");
    if (!schemaNames.contains(schemaName)) {
      throw new IllegalArgumentException(
          "No schema named '" + schemaName + "' in components.schemas of " + source);
    }
  }

  @Override
  public String toString() {
    return "OpenApiSpec[" + source + ", " + schemaNames.size() + " schemas]";
  }
}
