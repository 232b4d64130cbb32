package dev.openaiconnector.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks JSON values against the subset of JSON Schema that {@link JsonSchemas} writes: {@code
 * type} (one or a list), {@code properties}, {@code required}, {@code additionalProperties}, {@code
 * enum}, {@code items} and {@code anyOf}. Other keywords are ignored.
 *
 * <p>Messages go back to the model, so they name the JSON path and what was expected, and never
 * quote a value.
 */
final class SchemaValidator {
  private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SchemaValidator() {}

  static List<String> validate(JsonNode schema, JsonNode value) {
    List<String> problems = new ArrayList<>();
    check(schema, value, "$", problems);
    return List.copyOf(problems);
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
    JsonNode anyOf = schema.get("anyOf");
    if (anyOf != null) {
      checkAnyOf(anyOf, value, path, problems);
      return;
    }
    JsonNode type = schema.get("type");
    if (type != null && !hasType(type, value)) {
      problems.add(path + ": expected " + expected(type) + ", got " + typeOf(value));
      return;
    }
    JsonNode allowed = schema.get("enum");
    if (allowed != null && !contains(allowed, value)) {
      problems.add(path + ": must be one of " + texts(allowed));
      return;
    }
    if (value.isObject()) {
      checkObject(schema, value, path, problems);
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.get("items"), value.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  private static void checkObject(
      JsonNode schema, JsonNode value, String path, List<String> problems) {
    JsonNode properties = schema.path("properties");
    Set<String> required = new HashSet<>(texts(schema.path("required")));
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      JsonNode present = value.get(property.getKey());
      String propertyPath = path(path, property.getKey());
      if (present != null) {
        check(property.getValue(), present, propertyPath, problems);
      } else if (required.contains(property.getKey())) {
        problems.add(propertyPath + ": is required");
      }
    }
    JsonNode additional = schema.path("additionalProperties");
    Iterator<String> names = value.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (properties.has(name)) {
        continue;
      }
      if (additional.isObject()) {
        check(additional, value.get(name), path(path, name), problems);
      } else if (additional.isBoolean() && !additional.booleanValue()) {
        problems.add(path(path, name) + ": is not allowed");
      }
    }
  }

  /**
   * Accepts a value that matches one branch. When a single branch besides {@code null} is left,
   * as in the schemas generated for optional objects, its own problems are the clearest message.
   */
  private static void checkAnyOf(
      JsonNode branches, JsonNode value, String path, List<String> problems) {
    @Nullable List<String> onlyBranchProblems = null;
    int nonNullBranches = 0;
    for (JsonNode branch : branches) {
      List<String> branchProblems = new ArrayList<>();
      check(branch, value, path, branchProblems);
      if (branchProblems.isEmpty()) {
        return;
      }
      if (!branch.path("type").asText().equals("null")) {
        nonNullBranches++;
        onlyBranchProblems = branchProblems;
      }
    }
    if (nonNullBranches == 1 && onlyBranchProblems != null) {
      problems.addAll(onlyBranchProblems);
    } else {
      problems.add(path + ": matches none of the allowed forms");
    }
  }

  private static boolean hasType(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode one : type) {
        if (hasType(one, value)) {
          return true;
        }
      }
      return false;
    }
    switch (type.asText()) {
      case "string":
        return value.isTextual();
      case "integer":
        // JSON Schema counts 3.0 as an integer, and so does Jackson when it binds an int.
        return value.isIntegralNumber()
            || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
      case "number":
        return value.isNumber();
      case "boolean":
        return value.isBoolean();
      case "object":
        return value.isObject();
      case "array":
        return value.isArray();
      case "null":
        return value.isNull();
      default:
        return true;
    }
  }

  private static String typeOf(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isObject()) {
      return "object";
    }
    return "null";
  }

  private static String expected(JsonNode type) {
    return type.isArray() ? String.join(" or ", texts(type)) : type.asText();
  }

  private static boolean contains(JsonNode allowed, JsonNode value) {
    for (JsonNode one : allowed) {
      if (one.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    for (JsonNode element : array) {
      texts.add(element.asText());
    }
    return texts;
  }

  private static String path(String parent, String name) {
    return SIMPLE_NAME.matcher(name).matches()
        ? parent + "." + name
        : parent + "['" + name.replace("'", "\\'") + "']";
  }
}
