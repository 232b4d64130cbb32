package dev.openaiconnector.core.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openaiconnector.api.Description;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Generates JSON Schemas from Java types, for tool arguments and structured output.
 *
 * <p>Supported: {@code String} and {@code char}; the integer types and {@link BigInteger} as
 * {@code integer}; {@code float}, {@code double} and {@link BigDecimal} as {@code number}; {@code
 * boolean}; enums (the constants' names, or their {@code @JsonProperty} names); {@link UUID} and
 * the common {@code java.time} types as strings with a format hint; arrays and collections; {@code
 * Map<String, V>} outside strict mode; records and classes with fields, nested. A property is
 * optional when its type is {@link Optional} or it carries an annotation named {@code Nullable}
 * (JSpecify, JSR 305, Jakarta...). {@link Description} becomes the {@code description}.
 *
 * <p>In strict mode (OpenAI's structured outputs rules) every property is required and an optional
 * one also accepts {@code null}; otherwise optional properties are left out of {@code required}.
 * Either way, every object of a record or class has {@code additionalProperties: false}, and
 * properties keep the order of the record components or of the field declarations, so the output
 * is stable. Thread-safe; schemas of types are cached.
 */
public final class JsonSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // ClassValue rather than a map keyed by Class: the cache must not keep an application's classes
  // (and their class loader) alive after it is undeployed.
  private static final ClassValue<JsonSchema> STRICT = cache(true);
  private static final ClassValue<JsonSchema> NOT_STRICT = cache(false);

  private static final Set<Class<?>> STRINGS = Set.of(String.class, char.class, Character.class);
  private static final Set<Class<?>> INTEGERS =
      Set.of(
          int.class,
          Integer.class,
          long.class,
          Long.class,
          short.class,
          Short.class,
          byte.class,
          Byte.class,
          BigInteger.class);
  private static final Set<Class<?>> NUMBERS =
      Set.of(float.class, Float.class, double.class, Double.class, BigDecimal.class);
  private static final Set<Class<?>> BOOLEANS = Set.of(boolean.class, Boolean.class);

  // Strict schemas allow few keywords, so the expected text format goes in the description.
  private static final Map<Class<?>, String> FORMAT_HINTS =
      Map.of(
          LocalDate.class, "ISO-8601 date, e.g. 2024-01-31",
          LocalTime.class, "ISO-8601 time, e.g. 13:45:00",
          LocalDateTime.class, "ISO-8601 date-time without offset, e.g. 2024-01-31T13:45:00",
          OffsetDateTime.class, "ISO-8601 date-time with offset, e.g. 2024-01-31T13:45:00Z",
          ZonedDateTime.class, "ISO-8601 date-time with offset, e.g. 2024-01-31T13:45:00Z",
          Instant.class, "ISO-8601 instant in UTC, e.g. 2024-01-31T13:45:00Z",
          Duration.class, "ISO-8601 duration, e.g. PT15M",
          UUID.class, "UUID, e.g. 123e4567-e89b-12d3-a456-426614174000");

  private JsonSchemas() {}

  /**
   * Returns the schema of a record or class, generated on first use.
   *
   * @param type the type of the JSON object, a record or a class with fields
   * @param strict whether to follow OpenAI's strict structured outputs rules
   * @return the schema
   * @throws IllegalArgumentException if the type is not an object type, or one of its properties
   *     has a type without a schema; the message names the type and the property's path
   */
  public static JsonSchema forType(Class<?> type, boolean strict) {
    Objects.requireNonNull(type, "type");
    return (strict ? STRICT : NOT_STRICT).get(type);
  }

  /**
   * Returns the strict schema of a method's arguments: one property per parameter, named after it.
   *
   * @param method the method; its class must be compiled with {@code -parameters}
   * @return the schema
   * @throws IllegalArgumentException if parameter names are missing or a parameter's type has no
   *     schema
   */
  public static JsonSchema forParameters(Method method) {
    Objects.requireNonNull(method, "method");
    String label = method.getDeclaringClass().getSimpleName() + "." + method.getName();
    List<Property> properties = new ArrayList<>();
    for (Parameter parameter : method.getParameters()) {
      if (!parameter.isNamePresent()) {
        throw new IllegalArgumentException(
            label
                + ": parameter names are not in the class file; compile "
                + method.getDeclaringClass().getName()
                + " with javac -parameters so that they become the tool's argument names");
      }
      properties.add(
          new Property(parameter.getName(), parameter, parameter.getAnnotatedType()));
    }
    return new JsonSchema(new Generator(true).object(properties, null, label));
  }

  private static ClassValue<JsonSchema> cache(boolean strict) {
    return new ClassValue<>() {
      @Override
      protected JsonSchema computeValue(Class<?> type) {
        if (!isObjectType(type)) {
          throw new IllegalArgumentException(
              type.getTypeName()
                  + " cannot be the root of a schema: tool arguments and structured answers are"
                  + " JSON objects, so use a record or a class with fields");
        }
        return new JsonSchema(new Generator(strict).object(type, type.getSimpleName()));
      }
    };
  }

  private static boolean isObjectType(Class<?> type) {
    return type.isRecord()
        || !(type.isPrimitive()
            || type.isArray()
            || type.isEnum()
            || type.isInterface()
            || Modifier.isAbstract(type.getModifiers())
            || isJdkType(type));
  }

  private static boolean isJdkType(Class<?> type) {
    String name = type.getName();
    return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.");
  }

  /** One property of an object: a record component, a field or a method parameter. */
  private record Property(String name, AnnotatedElement element, AnnotatedType type) {}

  /** One generation: knows the mode and the types being generated, to detect recursion. */
  private static final class Generator {
    private final boolean strict;
    private final Deque<Class<?>> inProgress = new ArrayDeque<>();

    Generator(boolean strict) {
      this.strict = strict;
    }

    ObjectNode object(Class<?> type, String path) {
      if (inProgress.contains(type)) {
        throw new IllegalArgumentException(
            "recursive type "
                + type.getTypeName()
                + " at "
                + path
                + " ("
                + inProgress.stream()
                    .map(Class::getSimpleName)
                    .collect(Collectors.joining(" > ", "", " > " + type.getSimpleName()))
                + "): recursive schemas are not supported; refer to nested items by id instead");
      }
      inProgress.addLast(type);
      try {
        Description description = type.getAnnotation(Description.class);
        return object(
            propertiesOf(type, path), description == null ? null : description.value(), path);
      } finally {
        inProgress.removeLast();
      }
    }

    ObjectNode object(List<Property> properties, @Nullable String description, String path) {
      ObjectNode schema = NODES.objectNode().put("type", "object");
      if (description != null) {
        schema.put("description", description);
      }
      ObjectNode schemas = schema.putObject("properties");
      ArrayNode required = NODES.arrayNode();
      for (Property property : properties) {
        boolean optional = isOptional(property);
        schemas.set(property.name(), property(property, optional, path + "." + property.name()));
        if (strict || !optional) {
          required.add(property.name());
        }
      }
      schema.set("required", required);
      schema.put("additionalProperties", false);
      return schema;
    }

    private ObjectNode property(Property property, boolean optional, String path) {
      AnnotatedType valueType =
          rawClass(property.type().getType()) == Optional.class
              ? typeArgument(property.type(), 0, path)
              : property.type();
      if (optional && rawClass(valueType.getType()).isPrimitive()) {
        throw new IllegalArgumentException(
            path + ": a primitive cannot be Nullable; use its wrapper type, such as Integer");
      }
      ObjectNode schema = schema(valueType, path);
      if (optional && strict) {
        schema = nullable(schema);
      }
      Description description = property.element().getAnnotation(Description.class);
      if (description != null) {
        // The property's description replaces its type's, but keeps a format hint.
        String hint = FORMAT_HINTS.get(rawClass(valueType.getType()));
        schema.put(
            "description",
            hint == null ? description.value() : description.value() + " (" + hint + ")");
      }
      return schema;
    }

    private ObjectNode schema(AnnotatedType annotated, String path) {
      if (annotated instanceof AnnotatedArrayType) {
        return array(((AnnotatedArrayType) annotated).getAnnotatedGenericComponentType(), path);
      }
      if (annotated instanceof AnnotatedParameterizedType) {
        return parameterized(annotated, path);
      }
      if (annotated.getType() instanceof Class<?>) {
        return plain((Class<?>) annotated.getType(), path);
      }
      throw unsupported(
          annotated.getType(),
          path,
          "type variables and wildcards have no schema; use a concrete type");
    }

    private ObjectNode parameterized(AnnotatedType annotated, String path) {
      Class<?> raw = rawClass(annotated.getType());
      if (Collection.class.isAssignableFrom(raw)) {
        return array(typeArgument(annotated, 0, path), path);
      }
      if (Map.class.isAssignableFrom(raw)) {
        return map(annotated, path);
      }
      if (raw == Optional.class) {
        throw unsupported(
            annotated.getType(),
            path,
            "Optional is supported only as the type of a property (a record component, field or"
                + " parameter)");
      }
      throw unsupported(
          annotated.getType(),
          path,
          "generic types other than collections and maps have no schema");
    }

    private ObjectNode array(AnnotatedType items, String path) {
      ObjectNode schema = NODES.objectNode().put("type", "array");
      schema.set("items", schema(items, path + "[]"));
      return schema;
    }

    private ObjectNode map(AnnotatedType annotated, String path) {
      if (strict) {
        throw unsupported(
            annotated.getType(),
            path,
            "strict schemas forbid free-form objects (additionalProperties); use a list of records,"
                + " or a non-strict schema");
      }
      if (typeArgument(annotated, 0, path).getType() != String.class) {
        throw unsupported(
            annotated.getType(), path, "JSON object keys are strings; use Map<String, V>");
      }
      ObjectNode schema = NODES.objectNode().put("type", "object");
      schema.set("additionalProperties", schema(typeArgument(annotated, 1, path), path + ".*"));
      return schema;
    }

    private ObjectNode plain(Class<?> type, String path) {
      if (STRINGS.contains(type)) {
        return NODES.objectNode().put("type", "string");
      }
      if (INTEGERS.contains(type)) {
        return NODES.objectNode().put("type", "integer");
      }
      if (NUMBERS.contains(type)) {
        return NODES.objectNode().put("type", "number");
      }
      if (BOOLEANS.contains(type)) {
        return NODES.objectNode().put("type", "boolean");
      }
      String hint = FORMAT_HINTS.get(type);
      if (hint != null) {
        return NODES.objectNode().put("type", "string").put("description", hint);
      }
      if (type.isEnum()) {
        return enumeration(type);
      }
      if (Collection.class.isAssignableFrom(type)
          || Map.class.isAssignableFrom(type)
          || type == Optional.class) {
        throw unsupported(
            type, path, "raw types have no schema; give the type arguments, e.g. List<String>");
      }
      if (type == Object.class) {
        throw unsupported(type, path, "give the property a concrete type");
      }
      if (!isObjectType(type)) {
        throw unsupported(
            type,
            path,
            "use a String, number, boolean, enum, java.time value, list, record or class with"
                + " fields");
      }
      return object(type, path);
    }

    private static ObjectNode enumeration(Class<?> type) {
      ArrayNode constants = NODES.arrayNode();
      for (Object constant : type.getEnumConstants()) {
        constants.add(jsonName((Enum<?>) constant));
      }
      ObjectNode schema = NODES.objectNode().put("type", "string");
      schema.set("enum", constants);
      return schema;
    }

    // Jackson reads and writes a constant by its @JsonProperty name when it has one.
    private static String jsonName(Enum<?> constant) {
      JsonProperty property;
      try {
        property =
            constant
                .getDeclaringClass()
                .getField(constant.name())
                .getAnnotation(JsonProperty.class);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException("every enum constant is a public field", e);
      }
      return property == null || property.value().isEmpty() ? constant.name() : property.value();
    }

    /**
     * Makes a schema also accept null: a type list for simple values, {@code anyOf} for objects,
     * arrays and enums, as OpenAI's strict mode expects.
     */
    private static ObjectNode nullable(ObjectNode schema) {
      String type = schema.path("type").asText();
      if (!schema.has("enum") && !type.equals("object") && !type.equals("array")) {
        schema.set("type", NODES.arrayNode().add(type).add("null"));
        return schema;
      }
      ObjectNode wrapper = NODES.objectNode();
      wrapper.putArray("anyOf").add(schema).add(NODES.objectNode().put("type", "null"));
      return wrapper;
    }

    private static List<Property> propertiesOf(Class<?> type, String path) {
      List<Property> properties = new ArrayList<>();
      if (type.isRecord()) {
        for (RecordComponent component : type.getRecordComponents()) {
          properties.add(
              new Property(component.getName(), component, component.getAnnotatedType()));
        }
        return properties;
      }
      try {
        type.getDeclaredConstructor();
      } catch (NoSuchMethodException e) {
        throw unsupported(
            type,
            path,
            "a class needs a constructor without parameters to be read from JSON (a static"
                + " nested class if it is nested); or make it a record");
      }
      // Superclass fields first, each class's fields in declaration order.
      Deque<Class<?>> hierarchy = new ArrayDeque<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        hierarchy.addFirst(c);
      }
      for (Class<?> c : hierarchy) {
        for (Field field : c.getDeclaredFields()) {
          int modifiers = field.getModifiers();
          if (!Modifier.isStatic(modifiers)
              && !Modifier.isTransient(modifiers)
              && !field.isSynthetic()) {
            properties.add(new Property(field.getName(), field, field.getAnnotatedType()));
          }
        }
      }
      return properties;
    }

    private static boolean isOptional(Property property) {
      return rawClass(property.type().getType()) == Optional.class
          || hasNullable(property.element().getAnnotations())
          || hasNullable(property.type().getAnnotations());
    }

    // Any annotation named Nullable counts, so that no nullness library is needed here.
    private static boolean hasNullable(Annotation[] annotations) {
      for (Annotation annotation : annotations) {
        if (annotation.annotationType().getSimpleName().equals("Nullable")) {
          return true;
        }
      }
      return false;
    }

    private static AnnotatedType typeArgument(AnnotatedType annotated, int index, String path) {
      if (!(annotated instanceof AnnotatedParameterizedType)) {
        throw unsupported(
            annotated.getType(),
            path,
            "raw types have no schema; give the type arguments, e.g. Optional<String>");
      }
      return ((AnnotatedParameterizedType) annotated).getAnnotatedActualTypeArguments()[index];
    }

    private static Class<?> rawClass(Type type) {
      if (type instanceof Class<?>) {
        return (Class<?>) type;
      }
      if (type instanceof ParameterizedType) {
        return (Class<?>) ((ParameterizedType) type).getRawType();
      }
      return Object.class;
    }

    private static IllegalArgumentException unsupported(Type type, String path, String hint) {
      return new IllegalArgumentException(
          "unsupported type " + type.getTypeName() + " at " + path + ": " + hint);
    }
  }
}
