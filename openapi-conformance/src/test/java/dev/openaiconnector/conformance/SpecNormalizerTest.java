package dev.openaiconnector.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Checks each OpenAPI 3.0 rewrite on a small spec, by what the validator then accepts. */
class SpecNormalizerTest {
  private static final String SPEC =
      """
      openapi: 3.1.0
      info: {title: t, version: "1"}
      paths: {}
      components:
        schemas:
          Name:
            type: string
            minLength: 2
          Holder:
            type: object
            properties:
              typed: {type: integer, nullable: true, maximum: 5}
              chosen: {type: string, enum: [a, b], nullable: true}
              referenced: {$ref: '#/components/schemas/Name', nullable: true}
              composed:
                nullable: true
                oneOf: [{type: integer}, {type: boolean}]
              inherited:
                allOf:
                  - $ref: '#/components/schemas/Name'
                  - nullable: true
                    description: null when absent
              required: {type: string, nullable: false}
              positive: {type: number, minimum: 0, exclusiveMinimum: true}
              nullable: {type: boolean}
            example: {nullable: true}
      """;

  private static OpenApiSpec spec;

  @BeforeAll
  static void load(@TempDir Path folder) throws Exception {
    spec = OpenApiSpec.load(Files.writeString(folder.resolve("tiny.yaml"), SPEC));
  }

  @Test
  void nullableTypedSchemaAcceptsNullAndKeepsItsOtherRules() {
    assertThat(spec.validate("Holder", "{\"typed\":null}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"typed\":6}")).isNotEmpty();
    assertThat(spec.validate("Holder", "{\"typed\":\"x\"}")).isNotEmpty();
  }

  @Test
  void nullableEnumAcceptsNullButNoOtherValue() {
    assertThat(spec.validate("Holder", "{\"chosen\":null}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"chosen\":\"a\"}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"chosen\":\"c\"}")).isNotEmpty();
  }

  @Test
  void nullableReferenceAcceptsNullAndStillChecksTheTarget() {
    assertThat(spec.validate("Holder", "{\"referenced\":null}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"referenced\":\"ok\"}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"referenced\":\"x\"}")).isNotEmpty();
  }

  @Test
  void nullableCompositionAcceptsNullAndStillChecksTheBranches() {
    assertThat(spec.validate("Holder", "{\"composed\":null}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"composed\":true}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"composed\":\"x\"}")).isNotEmpty();
  }

  @Test
  void nullableAllOfMemberMakesTheWholeSchemaNullable() {
    assertThat(spec.validate("Holder", "{\"inherited\":null}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"inherited\":\"ok\"}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"inherited\":\"x\"}")).isNotEmpty();
  }

  @Test
  void notNullableStaysNotNullable() {
    assertThat(spec.validate("Holder", "{\"required\":null}")).isNotEmpty();
  }

  @Test
  void booleanExclusiveMinimumExcludesTheBound() {
    assertThat(spec.validate("Holder", "{\"positive\":0.5}")).isEmpty();
    assertThat(spec.validate("Holder", "{\"positive\":0}")).isNotEmpty();
  }

  @Test
  void leavesPropertyNamesAndExamplesThatLookLikeKeywordsAlone() {
    JsonNode holder = spec.schemaNode("Holder");

    assertThat(holder.path("properties").path("nullable").path("type").asString())
        .isEqualTo("boolean");
    assertThat(holder.path("example").path("nullable").asBoolean()).isTrue();
    assertThat(spec.validate("Holder", "{\"nullable\":null}")).isNotEmpty();
  }

  @Test
  void countsEachKindOfRewrite() {
    ObjectNode tree =
        (ObjectNode)
            JsonMapper.shared()
                .readTree(
                    "{\"components\":{\"schemas\":{\"A\":{\"type\":\"string\",\"nullable\":true},"
                        + "\"B\":{\"$ref\":\"#/components/schemas/A\",\"nullable\":true},"
                        + "\"C\":{\"allOf\":[{\"$ref\":\"#/components/schemas/A\"},"
                        + "{\"nullable\":true}]},"
                        + "\"D\":{\"type\":\"number\",\"maximum\":1,\"exclusiveMaximum\":true}}}}");

    assertThat(SpecNormalizer.normalize(tree)).isEqualTo(new SpecNormalizer.Rewrites(1, 2, 1, 1));
    assertThat(tree.at("/components/schemas/D/exclusiveMaximum").asInt()).isEqualTo(1);
    assertThat(tree.at("/components/schemas/D/maximum").isMissingNode()).isTrue();
    assertThat(tree.at("/components/schemas/C/anyOf/0/allOf").size()).isEqualTo(1);
  }
}
