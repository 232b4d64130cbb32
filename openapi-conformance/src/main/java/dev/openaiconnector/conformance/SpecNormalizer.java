package dev.openaiconnector.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rewrites the OpenAPI 3.0 keywords that JSON Schema 2020-12 does not understand into their 2020-12
 * equivalents, in place, so that a plain 2020-12 validator gives the answers the spec's authors
 * meant.
 *
 * <ul>
 *   <li>{@code nullable: true} (ignored by 2020-12, so {@code null} would be rejected): a plain
 *       typed schema gets {@code "null"} added to its {@code type} (and to its {@code enum});
 *       anything else is wrapped as {@code anyOf: [<schema>, {type: "null"}]}. The OpenAI spec also
 *       writes {@code allOf: [{$ref: X}, {nullable: true}]}, meaning "X or null"; the nullable-only
 *       member is removed and the whole schema wrapped.
 *   <li>boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} (a number in 2020-12): {@code
 *       true} moves the bound from {@code minimum}/{@code maximum} into it, {@code false} is
 *       dropped.
 * </ul>
 *
 * <p>Only schema positions are visited (from {@code components.schemas} down through the applicator
 * keywords), so examples, defaults and property names that merely look like keywords are left
 * alone.
 */
final class SpecNormalizer {
  /** What one run changed; the counts show the rewrite reached the places it should. */
  record Rewrites(int nullableTypes, int nullableWrapped, int nullableAllOfMembers, int bounds) {}

  private static final List<String> SCHEMA_MAPS =
      List.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");
  private static final List<String> SCHEMA_VALUES =
      List.of(
          "additionalProperties",
          "items",
          "additionalItems",
          "contains",
          "not",
          "if",
          "then",
          "else",
          "propertyNames",
          "unevaluatedItems",
          "unevaluatedProperties",
          "contentSchema");
  private static final List<String> SCHEMA_ARRAYS =
      List.of("allOf", "anyOf", "oneOf", "prefixItems");

  /** With any of these beside {@code type}, adding "null" to the type would not let null pass. */
  private static final List<String> NOT_TYPE_ONLY =
      List.of("$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "const", "if");

  /**
   * Keywords that do not constrain, so a member made only of them and nullable adds nothing else.
   */
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "nullable",
          "description",
          "title",
          "example",
          "examples",
          "default",
          "deprecated",
          "readOnly",
          "writeOnly");

  private final JsonNodeFactory nodes = JsonNodeFactory.instance;
  private int nullableTypes;
  private int nullableWrapped;
  private int nullableAllOfMembers;
  private int bounds;

  private SpecNormalizer() {}

  /**
   * Rewrites every schema under {@code components.schemas} of an OpenAPI document.
   *
   * @param spec the whole document, changed in place
   * @return what was changed
   */
  static Rewrites normalize(ObjectNode spec) {
    SpecNormalizer normalizer = new SpecNormalizer();
    JsonNode schemas = spec.path("components").path("schemas");
    if (schemas instanceof ObjectNode) {
      normalizer.rewriteMap((ObjectNode) schemas);
    }
    return new Rewrites(
        normalizer.nullableTypes,
        normalizer.nullableWrapped,
        normalizer.nullableAllOfMembers,
        normalizer.bounds);
  }

  private void rewriteMap(ObjectNode map) {
    for (Map.Entry<String, JsonNode> entry : new ArrayList<>(map.properties())) {
      map.set(entry.getKey(), rewrite(entry.getValue()));
    }
  }

  private void rewriteArray(ArrayNode array) {
    for (int i = 0; i < array.size(); i++) {
      array.set(i, rewrite(array.get(i)));
    }
  }

  /** Returns the rewritten schema: the same node changed in place, or a new wrapper around it. */
  private JsonNode rewrite(JsonNode node) {
    if (!(node instanceof ObjectNode)) {
      return node;
    }
    ObjectNode schema = (ObjectNode) node;
    // Read before the members are rewritten: a rewritten {nullable: true} member no longer says so.
    boolean nullable = takeNullable(schema) | takeNullableAllOfMembers(schema);
    for (String key : SCHEMA_MAPS) {
      if (schema.get(key) instanceof ObjectNode) {
        rewriteMap((ObjectNode) schema.get(key));
      }
    }
    for (String key : SCHEMA_VALUES) {
      JsonNode value = schema.get(key);
      if (value instanceof ArrayNode) {
        rewriteArray((ArrayNode) value);
      } else if (value != null) {
        schema.set(key, rewrite(value));
      }
    }
    for (String key : SCHEMA_ARRAYS) {
      if (schema.get(key) instanceof ArrayNode) {
        rewriteArray((ArrayNode) schema.get(key));
      }
    }
    rewriteBound(schema, "exclusiveMinimum", "minimum");
    rewriteBound(schema, "exclusiveMaximum", "maximum");
    return nullable ? allowNull(schema) : schema;
  }

  private static boolean takeNullable(ObjectNode schema) {
    JsonNode nullable = schema.remove("nullable");
    return nullable != null && nullable.asBoolean(false);
  }

  private boolean takeNullableAllOfMembers(ObjectNode schema) {
    if (!(schema.get("allOf") instanceof ArrayNode)) {
      return false;
    }
    ArrayNode allOf = (ArrayNode) schema.get("allOf");
    boolean nullable = false;
    for (int i = allOf.size() - 1; i >= 0; i--) {
      JsonNode member = allOf.get(i);
      if (member instanceof ObjectNode
          && member.has("nullable")
          && ANNOTATIONS.containsAll(((ObjectNode) member).propertyNames())) {
        nullable |= member.get("nullable").asBoolean(false);
        allOf.remove(i);
        nullableAllOfMembers++;
      }
    }
    if (allOf.isEmpty()) {
      schema.remove("allOf");
    }
    return nullable;
  }

  private JsonNode allowNull(ObjectNode schema) {
    JsonNode type = schema.get("type");
    boolean typeOnly = type != null && NOT_TYPE_ONLY.stream().noneMatch(schema::has);
    if (!typeOnly) {
      nullableWrapped++;
      ObjectNode wrapper = nodes.objectNode();
      wrapper.putArray("anyOf").add(schema).add(nodes.objectNode().put("type", "null"));
      return wrapper;
    }
    nullableTypes++;
    if (type.isString()) {
      if (!"null".equals(type.asString())) {
        schema.set("type", nodes.arrayNode().add(type.asString()).add("null"));
      }
    } else if (type instanceof ArrayNode && !contains((ArrayNode) type, nodes.stringNode("null"))) {
      ((ArrayNode) type).add("null");
    }
    // enum constrains every instance, null included, so it has to list null too.
    JsonNode values = schema.get("enum");
    if (values instanceof ArrayNode && !contains((ArrayNode) values, nodes.nullNode())) {
      ((ArrayNode) values).addNull();
    }
    return schema;
  }

  private void rewriteBound(ObjectNode schema, String exclusive, String inclusive) {
    JsonNode flag = schema.get(exclusive);
    if (flag == null || !flag.isBoolean()) {
      return;
    }
    bounds++;
    schema.remove(exclusive);
    if (flag.asBoolean() && schema.has(inclusive)) {
      schema.set(exclusive, schema.remove(inclusive));
    }
  }

  private static boolean contains(ArrayNode array, JsonNode value) {
    for (JsonNode element : array) {
      if (element.equals(value)) {
        return true;
      }
    }
    return false;
  }
}
