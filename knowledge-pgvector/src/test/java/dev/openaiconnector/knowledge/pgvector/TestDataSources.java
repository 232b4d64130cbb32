package dev.openaiconnector.knowledge.pgvector;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Data sources that behave like the ones applications have: pools, DriverManager, one session. */
final class TestDataSources {
  private TestDataSources() {}

  /** Everything of {@link DataSource} but {@link #getConnection()}. */
  abstract static class Base implements DataSource {
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }

  /** A connection whose {@code close()} is handed to {@code onClose} instead. */
  static Connection onClose(Connection connection, Consumer<Connection> onClose) {
    return onClose(connection, onClose, call -> {});
  }

  /**
   * A connection whose {@code close()} is handed to {@code onClose} instead, and that tells
   * {@code calls} the statements it prepares ({@code prepare <sql>}) and the auto-commit changes
   * ({@code autoCommit false}).
   */
  static Connection onClose(
      Connection connection, Consumer<Connection> onClose, Consumer<String> calls) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, arguments) -> {
              if (method.getName().equals("close") && method.getParameterCount() == 0) {
                onClose.accept(connection);
                return null;
              }
              if (method.getName().equals("prepareStatement")) {
                calls.accept("prepare " + arguments[0]);
              } else if (method.getName().equals("setAutoCommit")) {
                calls.accept("autoCommit " + arguments[0]);
              } else if (method.getName().equals("commit")) {
                calls.accept("commit");
              }
              try {
                return method.invoke(connection, arguments);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /**
   * Sets up every new connection like a configured pool (session settings, auto-commit) and
   * counts the connections not given back yet.
   */
  static final class Recording extends Base {
    private final DataSource target;
    private final boolean autoCommit;
    private final List<String> onConnect;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final List<String> calls = new CopyOnWriteArrayList<>();

    Recording(DataSource target, boolean autoCommit, String... onConnect) {
      this.target = target;
      this.autoCommit = autoCommit;
      this.onConnect = List.of(onConnect);
    }

    int openConnections() {
      return open.get();
    }

    int connectionsOpened() {
      return opened.get();
    }

    /** The statements prepared and the auto-commit changes, since the last call. */
    List<String> takeCalls() {
      List<String> taken = List.copyOf(calls);
      calls.clear();
      return taken;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection connection = target.getConnection();
      try (Statement statement = connection.createStatement()) {
        for (String sql : onConnect) {
          statement.execute(sql);
        }
      }
      connection.setAutoCommit(autoCommit);
      open.incrementAndGet();
      opened.incrementAndGet();
      return onClose(
          connection,
          physical -> {
            open.decrementAndGet();
            try {
              physical.close();
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          },
          calls::add);
    }
  }

  /** One session for every call, as a pool of one would give: settings would leak across. */
  static final class SingleConnection extends Base {
    private final Connection connection;

    SingleConnection(Connection connection) {
      this.connection = connection;
    }

    @Override
    public Connection getConnection() {
      return onClose(connection, physical -> {});
    }
  }

  /** Connections from {@link DriverManager}, whose errors quote the whole URL. */
  static final class FromDriverManager extends Base {
    private final String url;

    FromDriverManager(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url);
    }
  }
}
