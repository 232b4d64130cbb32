package dev.openaiconnector.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * What production talks to, HTTP/2 over TLS, in front of the fake server: a Jetty server on
 * 127.0.0.1 with a self-signed certificate made at start (by the JDK's {@code keytool}), offering
 * {@code h2} and {@code http/1.1} by ALPN, that passes each request to the fake server over plain
 * HTTP/1.1 and copies its answer back as it arrives (a stalled or slow body stays stalled or
 * slow). It records the HTTP version and the connection of every request it saw.
 */
final class Http2TlsProxy implements AutoCloseable {
  private static final String PASSWORD = "test-only";
  // Connection-specific headers: the JDK client refuses to set them, and HTTP/2 forbids them.
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "te",
          "transfer-encoding",
          "keep-alive",
          "proxy-connection");

  private final Server server;
  private final URI upstream;
  private final HttpClient forward;
  private final SSLContext clientTrust;
  private final List<HttpVersion> versions = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> connections = new ConcurrentHashMap<>();

  private Http2TlsProxy(URI upstream, Path keyStore) throws Exception {
    this.upstream = upstream;
    this.forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    this.clientTrust = trusting(keyStore);
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol("http/1.1");
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keyStore.toString());
    tls.setKeyStorePassword(PASSWORD);
    tls.setKeyStoreType("PKCS12");
    ServerConnector connector =
        new ServerConnector(
            server,
            new SslConnectionFactory(tls, alpn.getProtocol()),
            alpn,
            h2,
            new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Forwarding());
    server.start();
  }

  /**
   * Starts a proxy in front of a server.
   *
   * @param upstream the fake server's base URL ({@code http://127.0.0.1:port/v1})
   * @param directory where the key store is written, or found when an earlier proxy wrote it
   * @return the started proxy
   */
  static Http2TlsProxy start(URI upstream, Path directory) {
    try {
      return new Http2TlsProxy(upstream, selfSignedKeyStore(directory));
    } catch (Exception e) {
      throw new IllegalStateException("the HTTP/2 TLS proxy did not start", e);
    }
  }

  /** The proxy's base URL: the upstream's path on {@code https://127.0.0.1:port}. */
  URI baseUrl() {
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    return URI.create("https://127.0.0.1:" + port + upstream.getPath());
  }

  /** The HTTP version of every request so far, in order. */
  List<HttpVersion> versions() {
    return List.copyOf(versions);
  }

  /** How many connections the requests so far came on. */
  int connectionCount() {
    return connections.size();
  }

  /** A TLS context that trusts this proxy's certificate, and nothing else. */
  SSLContext clientTrust() {
    return clientTrust;
  }

  /** The network of a provider that trusts this proxy's certificate. */
  Network network() {
    return Network.builder().sslContext(clientTrust).build();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the HTTP/2 TLS proxy did not stop", e);
    }
  }

  private final class Forwarding extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      versions.add(request.getConnectionMetaData().getHttpVersion());
      connections.put(request.getConnectionMetaData().getId(), Boolean.TRUE);
      HttpRequest.Builder outbound =
          HttpRequest.newBuilder(upstream.resolve(request.getHttpURI().getPathQuery()))
              .method(
                  request.getMethod(),
                  HttpRequest.BodyPublishers.ofInputStream(
                      () -> Content.Source.asInputStream(request)));
      for (HttpField header : request.getHeaders()) {
        if (!HOP_BY_HOP.contains(header.getLowerCaseName())) {
          outbound.header(header.getName(), header.getValue());
        }
      }
      HttpResponse<InputStream> answer =
          forward.send(outbound.build(), HttpResponse.BodyHandlers.ofInputStream());
      response.setStatus(answer.statusCode());
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))
                    && !name.startsWith(":")) {
                  values.forEach(value -> response.getHeaders().add(name, value));
                }
              });
      try (InputStream in = answer.body();
          OutputStream out = Content.Sink.asOutputStream(response)) {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
      callback.succeeded();
      return true;
    }
  }

  private static Path selfSignedKeyStore(Path directory) throws IOException, InterruptedException {
    Path keyStore = directory.resolve("proxy.p12");
    if (Files.exists(keyStore)) {
      return keyStore;
    }
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias", "proxy",
                "-keyalg", "EC",
                "-groupname", "secp256r1",
                "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2",
                "-storetype", "PKCS12",
                "-keystore", keyStore.toString(),
                "-storepass", PASSWORD,
                "-keypass", PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)
        || process.exitValue() != 0
        || !Files.exists(keyStore)) {
      throw new IOException("keytool could not make the test certificate: " + output);
    }
    return keyStore;
  }

  private static SSLContext trusting(Path keyStorePath) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStorePath)) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("proxy", keyStore.getCertificate("proxy"));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
