package dev.openaiconnector.testkit;

/**
 * The options of {@link FakeOpenAiServer#main}: a builder configured from them, and whether to
 * stop when standard input closes or only to print the usage.
 *
 * @param builder the server's options
 * @param stopOnStdinClose whether the end of standard input stops the server
 * @param help whether only the usage was asked for
 */
record CommandLine(FakeOpenAiServer.Builder builder, boolean stopOnStdinClose, boolean help) {
  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: FakeOpenAiServer [--port=N] [--api-key=KEY] [--api-key-header=NAME]",
          "           [--stream-chunk-length=N] [--azure] [--azure-api-key=KEY]",
          "           [--azure-bearer-token=TOKEN] [--azure-deployment=NAME=MODEL]...",
          "           [--stop-on-stdin-close] [--help]",
          "Prints the base URL (http://127.0.0.1:<port>/v1) on the first line of standard output,",
          "then serves until stopped (Ctrl+C, SIGTERM; or the end of standard input with",
          "--stop-on-stdin-close). In Azure mode the Azure endpoint is the base URL without /v1.",
          "--api-key-header reads the OpenAI routes' key from that header (whole value) instead",
          "of Authorization: Bearer, as OpenAI-compatible servers using X-Api-Key do.",
          "");

  static CommandLine parse(String[] args) {
    FakeOpenAiServer.Builder builder = FakeOpenAiServer.builder();
    boolean portSeen = false;
    boolean stopOnStdinClose = false;
    boolean help = false;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
      } else if (arg.equals("--stop-on-stdin-close")) {
        stopOnStdinClose = true;
      } else if (arg.equals("--azure")) {
        builder.azure();
      } else if (arg.startsWith("--api-key=")) {
        builder.apiKey(value(arg));
      } else if (arg.startsWith("--api-key-header=") || arg.equals("--api-key-header")) {
        apiKeyHeader(builder, arg);
      } else if (arg.startsWith("--azure-api-key=")) {
        builder.azureApiKey(value(arg));
      } else if (arg.startsWith("--azure-bearer-token=")) {
        builder.azureBearerToken(value(arg));
      } else if (arg.startsWith("--azure-deployment=")) {
        String deployment = value(arg);
        int equals = deployment.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException(
              "--azure-deployment needs NAME=MODEL, such as --azure-deployment=chat=gpt-4o: "
                  + arg);
        }
        builder.azureDeployment(deployment.substring(0, equals), deployment.substring(equals + 1));
      } else if (arg.startsWith("--stream-chunk-length=")) {
        builder.streamChunkLength(number(arg, value(arg)));
      } else if (arg.startsWith("--port=") || arg.matches("\\d{1,5}")) {
        if (portSeen) {
          throw new IllegalArgumentException("The port is given twice: " + arg);
        }
        builder.port(number(arg, arg.startsWith("--port=") ? value(arg) : arg));
        portSeen = true;
      } else {
        throw new IllegalArgumentException("Unexpected argument: " + arg);
      }
    }
    return new CommandLine(builder, stopOnStdinClose, help);
  }

  private static void apiKeyHeader(FakeOpenAiServer.Builder builder, String arg) {
    String fix = "--api-key-header needs a header name, such as --api-key-header=X-Api-Key";
    if (!arg.contains("=")) {
      throw new IllegalArgumentException(fix + ": " + arg);
    }
    try {
      builder.apiKeyHeader(value(arg));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          fix + " (letters, digits and !#$%&'*+-.^_`|~, no spaces or colon): " + arg, e);
    }
  }

  /** What a person starting the server by hand wants to read, for standard error. */
  String hints(FakeOpenAiServer server) {
    StringBuilder hints = new StringBuilder("Fake OpenAI server listening on ");
    hints.append(server.baseUrl()).append(System.lineSeparator());
    hints.append("  export OPENAI_BASE_URL=").append(server.baseUrl());
    hints.append(" OPENAI_API_KEY=<a key>").append(System.lineSeparator());
    String keyHeader = server.keyCheck().header();
    if (!keyHeader.equalsIgnoreCase("Authorization")) {
      hints.append("  The key goes in the ").append(keyHeader);
      hints.append(" header, not in Authorization.").append(System.lineSeparator());
    }
    if (server.isAzure()) {
      hints.append("  export AZURE_OPENAI_ENDPOINT=").append(server.azureEndpoint());
      hints.append(" AZURE_OPENAI_API_KEY=<a key>").append(System.lineSeparator());
    }
    hints.append("Any non-blank key works unless --api-key or --azure-api-key names one. ");
    hints.append(
        stopOnStdinClose ? "Stop with Ctrl+C or by closing standard input." : "Stop with Ctrl+C.");
    return hints.toString();
  }

  private static String value(String arg) {
    return arg.substring(arg.indexOf('=') + 1);
  }

  private static int number(String arg, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a number: " + arg, e);
    }
  }
}
