package dev.openaiconnector.core.testing;

import dev.openaiconnector.spi.ProviderFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * A class loader whose only {@code ProviderFactory} registration is a service file written by the
 * test, so that a test sees exactly the factories it lists whatever else is on the class path.
 * Classes themselves still come from the parent.
 */
public final class ServiceFileClassLoader extends URLClassLoader {
  private static final String SERVICE_FILE = "META-INF/services/" + ProviderFactory.class.getName();

  private final Set<String> unlinkable;

  private ServiceFileClassLoader(URL root, Set<String> unlinkable) {
    super(new URL[] {root}, ServiceFileClassLoader.class.getClassLoader());
    this.unlinkable = unlinkable;
  }

  /**
   * Writes a service file listing the given class names under {@code root} and returns a loader
   * that reads it.
   *
   * @param root an empty directory
   * @param factoryClassNames the lines of the service file, in order
   * @return the loader
   * @throws IOException if the file cannot be written
   */
  public static ServiceFileClassLoader registering(Path root, String... factoryClassNames)
      throws IOException {
    return registering(root, Set.of(), factoryClassNames);
  }

  /**
   * Like {@link #registering(Path, String...)}, and loading any of {@code unlinkable} fails with a
   * {@link NoClassDefFoundError}, as a factory compiled against a missing library does.
   *
   * @param root an empty directory
   * @param unlinkable class names whose loading fails with a linkage error
   * @param factoryClassNames the lines of the service file, in order
   * @return the loader
   * @throws IOException if the file cannot be written
   */
  public static ServiceFileClassLoader registering(
      Path root, Set<String> unlinkable, String... factoryClassNames) throws IOException {
    Path file = root.resolve(SERVICE_FILE);
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(factoryClassNames), StandardCharsets.UTF_8);
    return new ServiceFileClassLoader(root.toUri().toURL(), Set.copyOf(unlinkable));
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    return SERVICE_FILE.equals(name) ? findResources(name) : super.getResources(name);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (unlinkable.contains(name)) {
      throw new NoClassDefFoundError("com/example/MissingDependency (needed by " + name + ")");
    }
    return super.loadClass(name, resolve);
  }
}
