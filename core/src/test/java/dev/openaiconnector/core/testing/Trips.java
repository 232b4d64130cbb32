package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.Description;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Types shared by the schema, tool and structured output tests. */
public final class Trips {
  private Trips() {}

  /** How a traveller moves between stops. */
  public enum Transport {
    /** By rail. */
    TRAIN,
    /** By air. */
    PLANE
  }

  /**
   * A stop of a trip.
   *
   * @param city where
   * @param nights how long, when known
   */
  public record Stop(@Description("City name") String city, @Nullable Integer nights) {}

  /**
   * A trip with one property of each kind a schema supports.
   *
   * @param traveller a string with a description
   * @param days an int
   * @param budget a double
   * @param refundable a boolean
   * @param transport an enum
   * @param stops a list of records
   * @param notes an optional string
   * @param detour a JSpecify-nullable record
   * @param preferred an optional enum
   * @param start a date
   */
  @Description("A planned trip")
  public record Trip(
      @Description("Name of the traveller") String traveller,
      int days,
      double budget,
      boolean refundable,
      Transport transport,
      @Description("Stops in order") List<Stop> stops,
      Optional<String> notes,
      @org.jspecify.annotations.Nullable Stop detour,
      Optional<Transport> preferred,
      @Description("First day") LocalDate start) {}
}
