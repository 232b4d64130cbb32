package dev.openaiconnector.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.api.ToolFunction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns the {@link ToolFunction} methods of an object into tools: the parameters become the
 * properties of a strict schema, and a call binds each property to its parameter and invokes the
 * method.
 */
public final class MethodTools {
  private MethodTools() {}

  /**
   * Makes one tool of each {@link ToolFunction} method of the object's class and its superclasses.
   *
   * @param target the object whose methods run the calls
   * @return the tools, sorted by name
   * @throws IllegalArgumentException if there is no such method, one is static or not public, two
   *     have the same tool name, or a parameter has no schema
   */
  public static List<Tool> fromMethods(Object target) {
    Objects.requireNonNull(target, "target");
    Map<String, Method> byName = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Class<?> type = target.getClass();
        type != null && type != Object.class;
        type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        ToolFunction function = method.getAnnotation(ToolFunction.class);
        // A method already found in a subclass overrides this one; invoking it runs the override.
        if (function == null || method.isBridge() || !seen.add(signature(method))) {
          continue;
        }
        requireInvocable(method);
        String name = function.name().isEmpty() ? method.getName() : function.name();
        Method previous = byName.putIfAbsent(name, method);
        if (previous != null) {
          throw new IllegalArgumentException(
              "@ToolFunction methods "
                  + label(previous)
                  + " and "
                  + label(method)
                  + " both make a tool named '"
                  + name
                  + "'; give one another name with @ToolFunction(name = \"...\")");
        }
      }
    }
    if (byName.isEmpty()) {
      throw new IllegalArgumentException(
          target.getClass().getName()
              + " has no @ToolFunction method; annotate its public instance methods that the"
              + " model may call");
    }
    List<Tool> tools = new ArrayList<>();
    byName.forEach((name, method) -> tools.add(tool(target, name, method)));
    return List.copyOf(tools);
  }

  private static Tool tool(Object target, String name, Method method) {
    JsonSchema schema = JsonSchemas.forParameters(method);
    ToolDefinition definition;
    try {
      definition =
          new ToolDefinition(
              name, method.getAnnotation(ToolFunction.class).description(), schema.json(), true);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label(method) + ": " + e.getMessage(), e);
    }
    // Public methods of a class that is not public (a nested or local class) need this too.
    if (!method.trySetAccessible()) {
      throw new IllegalArgumentException(
          label(method)
              + " cannot be called by reflection; open its package to the module of"
              + " dev.openaiconnector.core");
    }
    Parameter[] parameters = method.getParameters();
    return Tool.of(
        definition,
        argumentsJson -> {
          JsonNode arguments = ToolArguments.read(argumentsJson, schema);
          @Nullable Object[] values = new Object[parameters.length];
          for (int i = 0; i < parameters.length; i++) {
            String parameter = parameters[i].getName();
            // Present: the schema is strict, so every parameter is required (null if optional).
            values[i] =
                ToolArguments.bind(
                    arguments.get(parameter),
                    parameters[i].getParameterizedType(),
                    "$." + parameter);
          }
          return JsonMapping.toolResult(invoke(method, target, values), name);
        });
  }

  private static @Nullable Object invoke(
      Method method, Object target, @Nullable Object[] arguments)
      throws Exception {
    try {
      return method.invoke(target, arguments);
    } catch (InvocationTargetException e) {
      // The tool's own exception is what the loop must see, not reflection's wrapper.
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  private static void requireInvocable(Method method) {
    int modifiers = method.getModifiers();
    if (Modifier.isStatic(modifiers)) {
      throw new IllegalArgumentException(
          "@ToolFunction method "
              + label(method)
              + " is static; tools run on the object given to Tools.fromMethods, so make it an"
              + " instance method");
    }
    if (!Modifier.isPublic(modifiers)) {
      throw new IllegalArgumentException(
          "@ToolFunction method " + label(method) + " must be public");
    }
  }

  private static String signature(Method method) {
    return method.getName() + Arrays.toString(method.getParameterTypes());
  }

  private static String label(Method method) {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "(...)";
  }
}
