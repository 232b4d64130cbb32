package dev.openaiconnector.showcase;

import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.ToolFunction;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A tool made of an annotated method, for {@code Tools.fromMethods(new CurrencyTools())}. The rates
 * are fixed: the point is the tool loop, not the exchange market.
 */
public final class CurrencyTools {
  /** The currencies the tool converts; an enum, so that the model can only pick one of these. */
  public enum Currency {
    /** United States dollar. */
    USD,
    /** Euro. */
    EUR,
    /** Pound sterling. */
    GBP,
    /** Japanese yen. */
    JPY
  }

  /**
   * The result of a conversion, sent back to the model as JSON.
   *
   * @param amount the amount converted
   * @param from its currency
   * @param to the target currency
   * @param rate units of {@code to} per unit of {@code from}
   * @param converted the amount in the target currency, rounded to cents
   * @param note where the rate comes from
   */
  public record Conversion(
      double amount, Currency from, Currency to, double rate, BigDecimal converted, String note) {}

  // Units of each currency per euro.
  private static final Map<Currency, Double> PER_EURO =
      Map.of(Currency.EUR, 1.0, Currency.USD, 1.08, Currency.GBP, 0.85, Currency.JPY, 162.0);

  /** Creates the tools' object. */
  public CurrencyTools() {}

  /**
   * Converts an amount between currencies at a fixed rate.
   *
   * @param amount the amount
   * @param from its currency
   * @param to the target currency
   * @return the conversion
   */
  @ToolFunction(
      name = "convert_currency",
      description = "Converts an amount of money from one currency to another at today's rate")
  public Conversion convert(
      @Description("The amount of money, for example 100") double amount,
      @Description("The currency of the amount") Currency from,
      @Description("The currency to convert to") Currency to) {
    double rate = PER_EURO.get(to) / PER_EURO.get(from);
    BigDecimal converted = BigDecimal.valueOf(amount * rate).setScale(2, RoundingMode.HALF_EVEN);
    return new Conversion(
        amount,
        from,
        to,
        BigDecimal.valueOf(rate).setScale(4, RoundingMode.HALF_EVEN).doubleValue(),
        converted,
        "fixed showcase rate");
  }
}
