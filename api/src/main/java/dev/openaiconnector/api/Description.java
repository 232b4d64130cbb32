package dev.openaiconnector.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a tool parameter, a record component, a field or a type to the model; it ends up as
 * the {@code description} of the generated JSON Schema.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.PARAMETER,
  ElementType.RECORD_COMPONENT,
  ElementType.FIELD,
  ElementType.TYPE,
  ElementType.METHOD
})
public @interface Description {
  /**
   * Returns the description.
   *
   * @return what the element means, in words the model reads
   */
  String value();
}
