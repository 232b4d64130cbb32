package dev.openaiconnector.api;

/**
 * The format the model must answer in.
 *
 * <p>{@link #jsonObject()} ("JSON mode") needs the word "JSON" in a message of the request: the
 * API rejects the request otherwise, so {@link ChatRequest.Builder#build()} checks it first.
 */
public final class ResponseFormat {
  private static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT);
  private static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT);

  private final Type type;

  private ResponseFormat(Type type) {
    this.type = type;
  }

  /**
   * Plain text, the default.
   *
   * @return the text format
   */
  public static ResponseFormat text() {
    return TEXT;
  }

  /**
   * Any valid JSON object ("JSON mode").
   *
   * @return the JSON object format
   */
  public static ResponseFormat jsonObject() {
    return JSON_OBJECT;
  }

  /**
   * Returns the kind of format.
   *
   * @return the type
   */
  public Type type() {
    return type;
  }

  @Override
  public String toString() {
    return "ResponseFormat[" + type.wireValue() + "]";
  }

  /** The kinds of response format. */
  public enum Type {
    /** Plain text. */
    TEXT("text"),
    /** A JSON object. */
    JSON_OBJECT("json_object");

    private final String wireValue;

    Type(String wireValue) {
      this.wireValue = wireValue;
    }

    /**
     * Returns the value the API uses ({@code text}, {@code json_object}).
     *
     * @return the wire value
     */
    public String wireValue() {
      return wireValue;
    }
  }
}
