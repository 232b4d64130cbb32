package dev.openaiconnector.openai;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.jspecify.annotations.Nullable;

/**
 * A corporate proxy as HTTPS meets it: a Jetty server on 127.0.0.1 that opens a tunnel for each
 * {@code CONNECT}, optionally only for a request that brings its {@code Basic} credentials
 * (otherwise 407 with a {@code Proxy-Authenticate} challenge). It records every {@code CONNECT}
 * it saw, with the credentials it carried.
 */
final class ConnectProxy implements AutoCloseable {
  /** One {@code CONNECT}: where to, and the {@code Proxy-Authorization} it carried, if any. */
  record Connect(String target, @Nullable String authorization) {}

  private final Server server;
  private final List<Connect> connects = new CopyOnWriteArrayList<>();

  private ConnectProxy(@Nullable String expectedAuthorization) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new ConnectHandler() {
          @Override
          protected boolean handleAuthentication(
              Request request, Response response, String address) {
            String authorization = request.getHeaders().get(HttpHeader.PROXY_AUTHORIZATION);
            connects.add(new Connect(address, authorization));
            if (expectedAuthorization == null || expectedAuthorization.equals(authorization)) {
              return true;
            }
            response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"test\"");
            return false;
          }
        });
    server.start();
  }

  /** Starts a proxy that asks for no credentials. */
  static ConnectProxy open() {
    return start(null);
  }

  /** Starts a proxy that tunnels only for these {@code Basic} credentials. */
  static ConnectProxy requiring(String user, String password) {
    String token =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return start("Basic " + token);
  }

  private static ConnectProxy start(@Nullable String expectedAuthorization) {
    try {
      return new ConnectProxy(expectedAuthorization);
    } catch (Exception e) {
      throw new IllegalStateException("the CONNECT proxy did not start", e);
    }
  }

  /** The proxy's address, for {@code ProxySelector.of}. */
  InetSocketAddress address() {
    return new InetSocketAddress(
        "127.0.0.1", ((ServerConnector) server.getConnectors()[0]).getLocalPort());
  }

  /** Every {@code CONNECT} so far, in order. */
  List<Connect> connects() {
    return List.copyOf(connects);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the CONNECT proxy did not stop", e);
    }
  }
}
