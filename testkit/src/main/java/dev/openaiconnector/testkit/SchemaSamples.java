package dev.openaiconnector.testkit;

import dev.openaiconnector.testkit.internal.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Deterministic sample instances of JSON Schemas: the arguments of the fake server's tool calls and
 * its structured ({@code json_schema}) answers. The same schema always gives the same value, and
 * the value is valid against the schema for the keywords listed here; users write assertions
 * against these rules, so they are part of the testkit's contract.
 *
 * <ul>
 *   <li>{@code $ref} to a local pointer ({@code #}, {@code #/$defs/x}, {@code #/definitions/x}) is
 *       followed; a {@code $ref} back into a schema being expanded counts as "no finite value" (see
 *       below). Siblings of {@code $ref} are ignored.
 *   <li>{@code const} gives its value; {@code enum} its first value.
 *   <li>{@code anyOf} and {@code oneOf} give the first alternative that is not {@code {"type":
 *       "null"}}; {@code null} only if every other alternative has no finite value.
 *   <li>{@code allOf}: the parts are merged ({@code properties} and {@code required} united, other
 *       keywords first one wins) and the merge is sampled.
 *   <li>{@code type}: a list of types ({@code ["string","null"]}) uses the first non-null type,
 *       {@code null} only as the fallback. Without {@code type}: {@code object} if the schema has
 *       {@code properties}, {@code required} or {@code additionalProperties}; {@code array} if it
 *       has {@code items} or {@code prefixItems}; else {@code string}.
 *   <li>{@code string}: {@code "sample"}, repeated and cut to fit {@code minLength} and {@code
 *       maxLength}; with a known {@code format} a fixed value: {@code date-time} {@code
 *       2025-01-01T00:00:00Z}, {@code date} {@code 2025-01-01}, {@code time} {@code 00:00:00Z},
 *       {@code duration} {@code P1D}, {@code email} {@code sample@example.com}, {@code hostname}
 *       {@code example.com}, {@code ipv4} {@code 192.0.2.1}, {@code ipv6} {@code 2001:db8::1},
 *       {@code uuid} {@code 00000000-0000-4000-8000-000000000000}, {@code uri} {@code
 *       https://example.com/sample}. {@code pattern} is ignored.
 *   <li>{@code integer}: {@code 1}; {@code number}: {@code 1.5}. When {@code minimum}, {@code
 *       maximum} or their exclusive forms exclude it: for an integer the nearest allowed integer;
 *       for a number the middle of both bounds, or the one bound (plus or minus 1 when exclusive).
 *       Then rounded up to a multiple of {@code multipleOf}.
 *   <li>{@code boolean}: {@code true}; {@code null}: {@code null}.
 *   <li>{@code array}: one sample of {@code prefixItems} (or a draft-7 {@code items} list) each,
 *       then samples of {@code items} up to {@code max(1, minItems)}, at most {@code maxItems}; no
 *       item if the item schema has no finite value and {@code minItems} allows it.
 *   <li>{@code object}: the properties named in {@code required}, in {@code properties} order; with
 *       {@code strict} every property of {@code properties} (OpenAI's strict mode requires them all
 *       anyway). A required name missing from {@code properties} gets a sample of {@code
 *       additionalProperties} if that is a schema, else {@code "sample"}.
 *   <li>The boolean schema {@code true} gives {@code "sample"}.
 * </ul>
 *
 * <p>A schema that has no finite value (a required property that always recurses), a {@code false}
 * schema, a remote {@code $ref}, an empty {@code enum} or {@code anyOf}, an unknown {@code type},
 * or nesting deeper than 64 levels is rejected with an {@link IllegalArgumentException} that names
 * the place in the schema. Not thread-safe; each sample uses its own instance.
 */
final class SchemaSamples {
  static final String STRING = "sample";
  static final BigDecimal INTEGER = BigDecimal.ONE;
  static final BigDecimal NUMBER = new BigDecimal("1.5");
  private static final int MAX_DEPTH = 64;
  private static final Set<String> TYPES =
      Set.of("string", "integer", "number", "boolean", "array", "object", "null");
  private static final Map<String, String> FORMATS =
      Map.ofEntries(
          Map.entry("date-time", "2025-01-01T00:00:00Z"),
          Map.entry("date", "2025-01-01"),
          Map.entry("time", "00:00:00Z"),
          Map.entry("duration", "P1D"),
          Map.entry("email", "sample@example.com"),
          Map.entry("hostname", "example.com"),
          Map.entry("ipv4", "192.0.2.1"),
          Map.entry("ipv6", "2001:db8::1"),
          Map.entry("uuid", "00000000-0000-4000-8000-000000000000"),
          Map.entry("uri", "https://example.com/sample"));

  private final Map<?, ?> root;
  private final boolean strict;
  private final Set<String> expanding = new HashSet<>();

  private SchemaSamples(Map<?, ?> root, boolean strict) {
    this.root = root;
    this.strict = strict;
    // The root is being expanded from the start: {"$ref": "#"} inside it is a recursion.
    expanding.add("#");
  }

  /**
   * Returns the sample of a schema.
   *
   * @param schema the schema, as parsed by {@code Json}
   * @param strict whether every property is sampled, not only the required ones
   * @return a {@code Map}, {@code List}, {@code String}, {@code BigDecimal}, {@code Boolean} or
   *     {@code null}
   * @throws IllegalArgumentException if the schema cannot be sampled, naming where
   */
  static @Nullable Object sample(Map<?, ?> schema, boolean strict) {
    try {
      return new SchemaSamples(schema, strict).value(schema, "#", 0);
    } catch (NoFiniteValue e) {
      throw new IllegalArgumentException(
          "at "
              + e.getMessage()
              + ": the schema has no finite value; make the recursion optional, nullable or an"
              + " array",
          e);
    }
  }

  private @Nullable Object value(@Nullable Object schema, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw invalid(path, "the schema nests deeper than " + MAX_DEPTH + " levels");
    }
    if (Boolean.TRUE.equals(schema)) {
      return STRING;
    }
    if (Boolean.FALSE.equals(schema)) {
      throw invalid(path, "the schema false accepts no value");
    }
    if (!(schema instanceof Map)) {
      throw invalid(path, "expected a schema (an object or a boolean), got " + schema);
    }
    Map<?, ?> map = (Map<?, ?>) schema;
    if (map.containsKey("$ref")) {
      return ref(map.get("$ref"), path, depth);
    }
    if (map.containsKey("const")) {
      return map.get("const");
    }
    if (map.containsKey("enum")) {
      return nonEmpty(map.get("enum"), path + "/enum").get(0);
    }
    if (map.containsKey("allOf")) {
      return value(merge(map, path), path, depth + 1);
    }
    if (map.containsKey("anyOf")) {
      return alternatives(map.get("anyOf"), path + "/anyOf", depth);
    }
    if (map.containsKey("oneOf")) {
      return alternatives(map.get("oneOf"), path + "/oneOf", depth);
    }
    NoFiniteValue last = null;
    for (String type : types(map, path)) {
      try {
        return ofType(type, map, path, depth);
      } catch (NoFiniteValue e) {
        last = e;
      }
    }
    throw requireNonNull(last);
  }

  private @Nullable Object ref(@Nullable Object ref, String path, int depth) {
    if (!(ref instanceof String) || !((String) ref).startsWith("#")) {
      throw invalid(path, "only local $ref values like '#/$defs/name' are supported, got " + ref);
    }
    String pointer = (String) ref;
    if (expanding.contains(pointer)) {
      throw new NoFiniteValue(path);
    }
    Object target = resolve(pointer, path);
    expanding.add(pointer);
    try {
      return value(target, pointer, depth + 1);
    } finally {
      expanding.remove(pointer);
    }
  }

  private @Nullable Object resolve(String pointer, String path) {
    Object node = root;
    if (pointer.length() > 1) {
      if (pointer.charAt(1) != '/') {
        throw invalid(path, "only local $ref values like '#/$defs/name' are supported: " + pointer);
      }
      for (String token : pointer.substring(2).split("/", -1)) {
        String key = token.replace("~1", "/").replace("~0", "~");
        if (node instanceof Map && ((Map<?, ?>) node).containsKey(key)) {
          node = ((Map<?, ?>) node).get(key);
        } else if (node instanceof List && key.matches("\\d{1,9}")) {
          List<?> list = (List<?>) node;
          int index = Integer.parseInt(key);
          if (index >= list.size()) {
            throw invalid(path, "$ref '" + pointer + "' points nowhere");
          }
          node = list.get(index);
        } else {
          throw invalid(path, "$ref '" + pointer + "' points nowhere");
        }
      }
    }
    return node;
  }

  /** {@code allOf}: one schema with the parts' keywords, properties and required names united. */
  private Map<String, @Nullable Object> merge(Map<?, ?> schema, String path) {
    Map<String, @Nullable Object> merged = new LinkedHashMap<>();
    List<Object> parts = new ArrayList<>();
    parts.add(schema);
    List<?> allOf = nonEmpty(schema.get("allOf"), path + "/allOf");
    for (int i = 0; i < allOf.size(); i++) {
      Object part = allOf.get(i);
      String partPath = path + "/allOf/" + i;
      if (part instanceof Map && ((Map<?, ?>) part).containsKey("$ref")) {
        Object ref = ((Map<?, ?>) part).get("$ref");
        if (!(ref instanceof String) || !((String) ref).startsWith("#")) {
          throw invalid(partPath, "only local $ref values like '#/$defs/name' are supported");
        }
        part = resolve((String) ref, partPath);
      }
      if (Boolean.TRUE.equals(part)) {
        continue;
      }
      if (!(part instanceof Map)) {
        throw invalid(partPath, "expected an object schema in allOf, got " + part);
      }
      parts.add(part);
    }
    Map<String, @Nullable Object> properties = new LinkedHashMap<>();
    List<Object> required = new ArrayList<>();
    for (Object part : parts) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) part).entrySet()) {
        String key = String.valueOf(entry.getKey());
        Object value = entry.getValue();
        if (key.equals("properties") && value instanceof Map) {
          for (Map.Entry<?, ?> property : ((Map<?, ?>) value).entrySet()) {
            properties.putIfAbsent(String.valueOf(property.getKey()), property.getValue());
          }
        } else if (key.equals("required") && value instanceof List) {
          for (Object name : (List<?>) value) {
            if (!required.contains(name)) {
              required.add(name);
            }
          }
        } else if (!key.equals("allOf") || part != schema) {
          merged.putIfAbsent(key, value);
        }
      }
    }
    if (!properties.isEmpty()) {
      merged.put("properties", properties);
    }
    if (!required.isEmpty()) {
      merged.put("required", required);
    }
    return merged;
  }

  private @Nullable Object alternatives(@Nullable Object value, String path, int depth) {
    List<?> alternatives = nonEmpty(value, path);
    NoFiniteValue last = null;
    for (int i = 0; i < alternatives.size(); i++) {
      if (!isNullSchema(alternatives.get(i))) {
        try {
          return value(alternatives.get(i), path + "/" + i, depth + 1);
        } catch (NoFiniteValue e) {
          last = e;
        }
      }
    }
    for (Object alternative : alternatives) {
      if (isNullSchema(alternative)) {
        return null;
      }
    }
    throw requireNonNull(last);
  }

  private static boolean isNullSchema(@Nullable Object schema) {
    return schema instanceof Map && "null".equals(((Map<?, ?>) schema).get("type"));
  }

  /** The types to try in order: the non-null ones as listed, then {@code null} if allowed. */
  private static List<String> types(Map<?, ?> schema, String path) {
    Object type = schema.get("type");
    List<String> types = new ArrayList<>();
    if (type == null) {
      if (schema.containsKey("properties")
          || schema.containsKey("required")
          || schema.containsKey("additionalProperties")) {
        types.add("object");
      } else if (schema.containsKey("items") || schema.containsKey("prefixItems")) {
        types.add("array");
      } else {
        types.add("string");
      }
      return types;
    }
    List<?> listed = type instanceof List ? (List<?>) type : List.of(type);
    for (Object name : listed) {
      if (!TYPES.contains(name)) {
        throw invalid(path + "/type", "unknown type " + name);
      }
      if (!name.equals("null")) {
        types.add((String) name);
      }
    }
    if (listed.contains("null")) {
      types.add("null");
    }
    if (types.isEmpty()) {
      throw invalid(path + "/type", "expected at least one type");
    }
    return types;
  }

  private @Nullable Object ofType(String type, Map<?, ?> schema, String path, int depth) {
    switch (type) {
      case "string":
        return string(schema);
      case "integer":
        return number(schema, true);
      case "number":
        return number(schema, false);
      case "boolean":
        return Boolean.TRUE;
      case "array":
        return array(schema, path, depth);
      case "object":
        return object(schema, path, depth);
      default:
        return null;
    }
  }

  private static String string(Map<?, ?> schema) {
    String known = FORMATS.get(String.valueOf(schema.get("format")));
    if (known != null) {
      return known;
    }
    String text = STRING;
    Integer min = intValue(schema.get("minLength"));
    Integer max = intValue(schema.get("maxLength"));
    if (min != null && min > text.length()) {
      text = STRING.repeat(min / STRING.length() + 1).substring(0, min);
    }
    if (max != null && max >= 0 && max < text.length()) {
      text = text.substring(0, max);
    }
    return text;
  }

  private static Number number(Map<?, ?> schema, boolean integer) {
    BigDecimal value = integer ? INTEGER : NUMBER;
    BigDecimal low = decimal(schema.get("minimum"));
    BigDecimal high = decimal(schema.get("maximum"));
    // JSON Schema 2020-12 has numeric exclusive bounds; OpenAPI 3.0 had boolean flags.
    boolean lowExclusive = Boolean.TRUE.equals(schema.get("exclusiveMinimum"));
    boolean highExclusive = Boolean.TRUE.equals(schema.get("exclusiveMaximum"));
    BigDecimal exclusiveLow = decimal(schema.get("exclusiveMinimum"));
    if (exclusiveLow != null && (low == null || exclusiveLow.compareTo(low) >= 0)) {
      low = exclusiveLow;
      lowExclusive = true;
    }
    BigDecimal exclusiveHigh = decimal(schema.get("exclusiveMaximum"));
    if (exclusiveHigh != null && (high == null || exclusiveHigh.compareTo(high) <= 0)) {
      high = exclusiveHigh;
      highExclusive = true;
    }
    if (integer) {
      if (low != null) {
        BigDecimal lowest =
            lowExclusive
                ? low.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE)
                : low.setScale(0, RoundingMode.CEILING);
        value = value.max(lowest);
      }
      if (high != null) {
        BigDecimal highest =
            highExclusive
                ? high.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE)
                : high.setScale(0, RoundingMode.FLOOR);
        value = value.min(highest);
      }
    } else if (!within(value, low, lowExclusive, high, highExclusive)) {
      if (low != null && high != null) {
        value = low.add(high).divide(BigDecimal.valueOf(2));
      } else if (low != null) {
        value = lowExclusive ? low.add(BigDecimal.ONE) : low;
      } else if (high != null) {
        value = highExclusive ? high.subtract(BigDecimal.ONE) : high;
      }
    }
    BigDecimal step = decimal(schema.get("multipleOf"));
    if (step != null && step.signum() > 0 && value.remainder(step).signum() != 0) {
      value = value.divide(step, 0, RoundingMode.CEILING).multiply(step);
    }
    if (integer || value.stripTrailingZeros().scale() <= 0) {
      return value.setScale(0, RoundingMode.CEILING).toBigInteger();
    }
    return value.stripTrailingZeros();
  }

  private static boolean within(
      BigDecimal value,
      @Nullable BigDecimal low,
      boolean lowExclusive,
      @Nullable BigDecimal high,
      boolean highExclusive) {
    if (low != null) {
      int compared = value.compareTo(low);
      if (compared < 0 || (compared == 0 && lowExclusive)) {
        return false;
      }
    }
    if (high != null) {
      int compared = value.compareTo(high);
      return compared < 0 || (compared == 0 && !highExclusive);
    }
    return true;
  }

  private List<@Nullable Object> array(Map<?, ?> schema, String path, int depth) {
    List<?> prefix = List.of();
    String prefixPath = path + "/prefixItems";
    Object items = schema.get("items");
    String itemsPath = path + "/items";
    if (schema.get("prefixItems") instanceof List) {
      prefix = (List<?>) schema.get("prefixItems");
    } else if (items instanceof List) {
      // draft-07 tuple form: the list is the prefix, additionalItems the rest
      prefix = (List<?>) items;
      prefixPath = itemsPath;
      items = schema.get("additionalItems");
      itemsPath = path + "/additionalItems";
    }
    Integer minItems = intValue(schema.get("minItems"));
    Integer maxItems = intValue(schema.get("maxItems"));
    int min = minItems == null ? 0 : minItems;
    int count = Math.max(Math.max(1, min), prefix.size());
    if (maxItems != null) {
      count = Math.min(count, maxItems);
    }
    List<@Nullable Object> values = new ArrayList<>();
    for (int i = 0; i < prefix.size() && values.size() < count; i++) {
      values.add(value(prefix.get(i), prefixPath + "/" + i, depth + 1));
    }
    while (values.size() < count && !Boolean.FALSE.equals(items)) {
      try {
        values.add(value(items == null ? Boolean.TRUE : items, itemsPath, depth + 1));
      } catch (NoFiniteValue e) {
        if (values.size() < min) {
          throw e;
        }
        break;
      }
    }
    return values;
  }

  private Map<String, @Nullable Object> object(Map<?, ?> schema, String path, int depth) {
    Object properties = schema.get("properties");
    Map<?, ?> declared = properties instanceof Map ? (Map<?, ?>) properties : Map.of();
    Object requiredValue = schema.get("required");
    List<?> required = requiredValue instanceof List ? (List<?>) requiredValue : List.of();
    Map<String, @Nullable Object> object = new LinkedHashMap<>();
    for (Map.Entry<?, ?> property : declared.entrySet()) {
      String name = String.valueOf(property.getKey());
      if (strict || required.contains(name)) {
        object.put(
            name, value(property.getValue(), path + "/properties/" + escape(name), depth + 1));
      }
    }
    Object additional = schema.get("additionalProperties");
    for (Object name : required) {
      if (!(name instanceof String)) {
        throw invalid(path + "/required", "expected property names, got " + name);
      }
      if (!object.containsKey(name)) {
        Object value =
            additional instanceof Map
                ? value(additional, path + "/additionalProperties", depth + 1)
                : STRING;
        object.put((String) name, value);
      }
    }
    return object;
  }

  private static List<?> nonEmpty(@Nullable Object value, String path) {
    if (!(value instanceof List) || ((List<?>) value).isEmpty()) {
      throw invalid(path, "expected a non-empty array");
    }
    return (List<?>) value;
  }

  private static @Nullable BigDecimal decimal(@Nullable Object value) {
    return value instanceof BigDecimal ? (BigDecimal) value : null;
  }

  private static @Nullable Integer intValue(@Nullable Object value) {
    return Json.intValue(value);
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private static NoFiniteValue requireNonNull(@Nullable NoFiniteValue e) {
    if (e == null) {
      throw new IllegalStateException("no alternative was tried");
    }
    return e;
  }

  private static IllegalArgumentException invalid(String path, String message) {
    return new IllegalArgumentException("at " + path + ": " + message);
  }

  /** A schema recursed into itself where nothing allowed stopping; its message is the path. */
  private static final class NoFiniteValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoFiniteValue(String path) {
      super(path, null, false, false);
    }
  }
}
