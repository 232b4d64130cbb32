package dev.openaiconnector.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A declaration annotation named like {@code javax.annotation.Nullable}, unlike JSpecify's type-use
 * one: schemas treat any annotation named {@code Nullable} as "optional".
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface Nullable {}
