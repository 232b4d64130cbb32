package dev.openaiconnector.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a tool; {@code Tools.fromMethods(object)} in the core turns each such method
 * of an object into a {@link Tool}. Parameters are described with {@link Description}; their
 * names come from the class file, so compile with {@code -parameters}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ToolFunction {
  /**
   * Returns the tool's name.
   *
   * @return the name, or empty for the method's name
   */
  String name() default "";

  /**
   * Returns what the tool does.
   *
   * @return the description the model reads
   */
  String description();
}
