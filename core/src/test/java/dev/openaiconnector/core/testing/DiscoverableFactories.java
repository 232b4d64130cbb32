package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Provider factories for discovery tests, registered through {@link ServiceFileClassLoader}. Each
 * creates a {@link FakeProvider} with its own id.
 */
public final class DiscoverableFactories {
  private static final AtomicReference<@Nullable ProviderSettings> LAST_SETTINGS =
      new AtomicReference<>();

  private DiscoverableFactories() {}

  /**
   * Returns the settings the last {@code create} call received.
   *
   * @return the settings, or null if no factory created a provider yet
   */
  public static @Nullable ProviderSettings lastSettings() {
    return LAST_SETTINGS.get();
  }

  /** Forgets the last settings. */
  public static void reset() {
    LAST_SETTINGS.set(null);
  }

  /** A well-behaved factory, parameterised by id and SPI version. */
  abstract static class Base implements ProviderFactory {
    private final String id;
    private final int spiVersion;

    Base(String id, int spiVersion) {
      this.id = id;
      this.spiVersion = spiVersion;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public int spiVersion() {
      return spiVersion;
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.allOf(Capability.class);
    }

    @Override
    public Provider create(ProviderSettings settings) {
      LAST_SETTINGS.set(settings);
      return FakeProvider.withCapabilities(id, capabilities());
    }
  }

  /** Id {@code alpha}. */
  public static final class Alpha extends Base {
    /** Creates the factory. */
    public Alpha() {
      super("alpha", SPI_VERSION);
    }
  }

  /** Id {@code beta}. */
  public static final class Beta extends Base {
    /** Creates the factory. */
    public Beta() {
      super("beta", SPI_VERSION);
    }
  }

  /** A second factory with id {@code alpha}, as when two versions of a jar are present. */
  public static final class AlphaAgain extends Base {
    /** Creates the factory. */
    public AlphaAgain() {
      super("alpha", SPI_VERSION);
    }
  }

  /** Id {@code future}, written for the next SPI version. */
  public static final class FromTheFuture extends Base {
    /** Creates the factory. */
    public FromTheFuture() {
      super("future", SPI_VERSION + 1);
    }
  }

  /** Id {@code strict}: needs {@code STRICT_API_KEY}, as a real provider needs its key. */
  public static final class NeedsKey extends Base {
    /** Creates the factory. */
    public NeedsKey() {
      super("strict", SPI_VERSION);
    }

    @Override
    public Provider create(ProviderSettings settings) {
      if (settings.get("STRICT_API_KEY").isEmpty()) {
        throw new ConfigurationException("STRICT_API_KEY is not set; set it to your key", null);
      }
      return super.create(settings);
    }
  }

  /**
   * Id {@code leaky}: fails with a message that quotes a setting's value, as a careless one might.
   */
  public static final class Leaky extends Base {
    /** Creates the factory. */
    public Leaky() {
      super("leaky", SPI_VERSION);
    }

    @Override
    public Provider create(ProviderSettings settings) {
      throw new IllegalStateException(
          "cannot use key " + settings.get("LEAKY_API_KEY").orElse("<none>"));
    }
  }

  /** A factory whose constructor fails, as one with a missing dependency would. */
  public static final class ThrowingConstructor extends Base {
    /** Always fails. */
    public ThrowingConstructor() {
      super("throwing", SPI_VERSION);
      throw new IllegalStateException("ThrowingConstructor cannot start");
    }
  }
}
