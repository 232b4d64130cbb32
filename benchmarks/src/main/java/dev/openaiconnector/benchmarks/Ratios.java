package dev.openaiconnector.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every library benchmark next to its reference and prints a table of ratios to the
 * reference, with the target of each and whether it is met.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.openaiconnector.benchmarks.Ratios [options]
 * </pre>
 *
 * <p>How it measures: in each round, every benchmark method runs in a JVM of its own (one JMH
 * fork, with the GC profiler for the allocation per operation and {@link CpuTimeProfiler}), and in
 * that JVM the library and the reference take turns, one iteration each ({@link Side}). Each
 * library iteration is paired with the reference iteration next to it, and a pair's ratio is the
 * median of those iteration pairs' ratios over all rounds, shown with their range. So a machine
 * that gets busier or quieter during the run moves both sides of a ratio alike, and the ratio is
 * what to read, not the absolute times. JMH's own output for each run goes to a log file under
 * {@code --logs}.
 *
 * <p>To add a pair: write a benchmark method that takes a {@link Side} and calls the library or
 * the reference as it says (see {@link ChatBenchmark}), and add one line to {@link #PAIRS}.
 */
public final class Ratios {
  /** What a pair compares, and which way round a ratio is taken so that above 1 is slower. */
  enum Metric {
    /** Average time per operation: library ÷ reference. */
    TIME,
    /** Operations per second: reference ÷ library. */
    THROUGHPUT,
    /** Bytes allocated per operation ({@code gc.alloc.rate.norm}): library ÷ reference. */
    ALLOCATION,
    /**
     * CPU time of the Java threads per operation ({@link CpuTimeProfiler}): library ÷ reference.
     * Shown for every time and throughput pair in a second table, for a machine too busy for
     * times to mean much.
     */
    CPU
  }

  /**
   * One line of the table.
   *
   * @param name what is measured, as the table shows it
   * @param benchmark the benchmark class
   * @param method the benchmark method, which runs the library or the reference as its {@link
   *     Side} says
   * @param metric what is compared
   * @param target the highest ratio that passes; NaN for none (shown for information)
   * @param warmup the warmup iterations of its runs, both sides together, long enough for both
   *     to settle here
   * @param rounds how many JVMs its method runs in, enough for the ratio to be read against its
   *     target
   */
  record Pair(
      String name,
      Class<?> benchmark,
      String method,
      Metric metric,
      double target,
      int warmup,
      int rounds) {
    String fullMethod() {
      return benchmark.getName() + "." + method;
    }
  }

  /**
   * Every pair, in the order of the table. Each pair's warmup is how long its slower side took to
   * settle on two cores, iteration by iteration in the JMH logs, with room to spare: a chat call
   * was still getting faster after 30 one-second iterations in some JVMs, while a knowledge-base
   * search (memory-bound) is settled from the first.
   *
   * <p>The chat call runs in three JVMs: its target (1.10) is the closest to what it measures
   * (0.97 to 1.09 pooled over three or four JVMs), and on this machine two neighbouring one-second
   * iterations differ by up to 20 % whichever side runs them, so the six pairs of a single JVM gave
   * medians from 0.93 to 1.21 for the same code. Three JVMs make 18 pairs, and the whole run stays
   * under 10 minutes.
   */
  static final List<Pair> PAIRS =
      List.of(
          new Pair("chat call, 1 thread", ChatBenchmark.class, "call", Metric.TIME, 1.10, 60, 3),
          new Pair("chat call, allocation", ChatBenchmark.class, "call", Metric.ALLOCATION, 1.30, 60, 3),
          // The issue sets no target for throughput; shown for information (see the README).
          new Pair("chat calls, 8 threads", ChatBenchmark.class, "callThreads8", Metric.THROUGHPUT, Double.NaN, 30, 1),
          new Pair("stream, 50 events", StreamBenchmark.class, "stream", Metric.TIME, 1.20, 60, 1),
          new Pair("embeddings 256x1536, base64", EmbeddingsResponseBenchmark.class, "base64", Metric.TIME, 1.25, 20, 1),
          new Pair("embeddings 256x1536, float JSON", EmbeddingsResponseBenchmark.class, "floatJson", Metric.TIME, Double.NaN, 16, 1),
          new Pair("tool loop, one round (2 calls)", ToolLoopBenchmark.class, "round", Metric.TIME, Double.NaN, 60, 1),
          // The reference is the floor: a loop that only reads as many floats as the search scans.
          new Pair("knowledge base, top-10 of 100,000 x 1536", KnowledgeSearchBenchmark.class, "search", Metric.TIME, Double.NaN, 8, 1));

  private static final String ALLOCATION_KEY = "gc.alloc.rate.norm";

  private Ratios() {}

  /** The settings of a run, from the command line. */
  static final class Settings {
    // Null: each pair's own rounds.
    @Nullable Integer rounds;
    // Null: each pair's own warmup.
    @Nullable Integer warmupIterations;
    // Measured iterations of each side; a run measures twice as many, the sides taking turns.
    int iterations = 6;
    int iterationSeconds = 1;
    @Nullable Pattern only;
    Path logs = Path.of("benchmarks", "target", "ratios");
    @Nullable Path markdown;
    boolean referenceSameThread;
    boolean list;

    static Settings parse(String[] args) {
      Settings settings = new Settings();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--rounds":
            settings.rounds = positive(arg, value(args, ++i));
            break;
          case "--warmup":
            settings.warmupIterations = positive(arg, value(args, ++i));
            break;
          case "--iterations":
            settings.iterations = positive(arg, value(args, ++i));
            break;
          case "--seconds":
            settings.iterationSeconds = positive(arg, value(args, ++i));
            break;
          case "--only":
            settings.only = Pattern.compile(value(args, ++i), Pattern.CASE_INSENSITIVE);
            break;
          case "--logs":
            settings.logs = Path.of(value(args, ++i));
            break;
          case "--markdown":
            settings.markdown = Path.of(value(args, ++i));
            break;
          case "--quick":
            settings.rounds = 1;
            settings.warmupIterations = 8;
            settings.iterations = 2;
            break;
          case "--reference-same-thread":
            settings.referenceSameThread = true;
            break;
          case "--list":
            settings.list = true;
            break;
          case "-h":
          case "--help":
            usage(System.out);
            System.exit(0);
            break;
          default:
            System.err.println("unknown option " + arg);
            usage(System.err);
            System.exit(2);
        }
      }
      return settings;
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        System.err.println(args[i - 1] + " needs a value");
        System.exit(2);
      }
      return args[i];
    }

    private static int positive(String option, String value) {
      try {
        int n = Integer.parseInt(value);
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      System.err.println(option + " needs a positive whole number, not " + value);
      System.exit(2);
      return 0;
    }
  }

  private static void usage(PrintStream out) {
    out.println(
        String.join(
            "\n",
            "usage: java -cp benchmarks/target/benchmarks.jar dev.openaiconnector.benchmarks.Ratios [options]",
            "  --rounds N       rounds; each runs every benchmark once, in a fork of its own (default: each pair's own, 1 to 3)",
            "  --warmup N       warmup iterations of every fork, both sides together (default: each pair's own, 8 to 60)",
            "  --iterations N   measured iterations of each side per fork, taking turns (default 6)",
            "  --seconds N      seconds per iteration (default 1)",
            "  --only REGEX     only the pairs whose name matches, e.g. --only 'chat|stream'",
            "  --quick          1 round, 8 warmup and 2+2 measured iterations: a first look, not settled",
            "  --logs DIR       where JMH's output of each run goes (default benchmarks/target/ratios)",
            "  --markdown FILE  also write the table as Markdown",
            "  --reference-same-thread",
            "                   give the reference's HttpClient the library's same-thread executor",
            "                   (default: the JDK's own, as a user would leave it)",
            "  --list           list the pairs and exit"));
  }

  /**
   * Runs the pairs and prints the table.
   *
   * @param args see {@code --help}
   * @throws IOException if the logs cannot be written
   */
  public static void main(String[] args) throws IOException {
    Settings settings = Settings.parse(args);
    List<Pair> pairs = new ArrayList<>();
    for (Pair pair : PAIRS) {
      if (settings.only == null || settings.only.matcher(pair.name()).find()) {
        pairs.add(pair);
      }
    }
    if (settings.list || pairs.isEmpty()) {
      for (Pair pair : PAIRS) {
        System.out.printf(
            "%-42s %s.%s%n", pair.name(), pair.benchmark().getSimpleName(), pair.method());
      }
      System.exit(pairs.isEmpty() ? 2 : 0);
    }

    // Each method runs once per round, whatever number of pairs read it, with the longest warmup
    // and the most rounds of those pairs.
    Map<String, Integer> warmups = new LinkedHashMap<>();
    Map<String, Integer> rounds = new LinkedHashMap<>();
    for (Pair pair : pairs) {
      int warmup = settings.warmupIterations != null ? settings.warmupIterations : pair.warmup();
      warmups.merge(pair.fullMethod(), warmup, Math::max);
      rounds.merge(
          pair.fullMethod(), settings.rounds != null ? settings.rounds : pair.rounds(), Math::max);
    }
    int runs = rounds.values().stream().mapToInt(Integer::intValue).sum();
    int lastRound = rounds.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    Path logs =
        settings.logs.resolve(
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(logs);

    String loadBefore = loadAverage();
    long started = System.nanoTime();
    System.out.printf(
        "%d pairs, %s rounds, %d runs of %s+%dx2 iterations of %d s; JMH logs in %s%n",
        pairs.size(), span(rounds.values()), runs, span(warmups.values()), settings.iterations,
        settings.iterationSeconds, logs);
    // method -> one result per round
    Map<String, List<Measured>> results = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    int run = 0;
    for (int round = 1; round <= lastRound; round++) {
      for (Map.Entry<String, Integer> method : warmups.entrySet()) {
        if (round > rounds.get(method.getKey())) {
          continue;
        }
        run++;
        Measured measured = runOnce(method.getKey(), method.getValue(), round, settings, logs);
        results.computeIfAbsent(method.getKey(), k -> new ArrayList<>()).add(measured);
        String elapsed = minutes(System.nanoTime() - started);
        if (measured.error != null) {
          errors.add(method.getKey() + ": " + measured.error);
          System.out.printf(
              "[%2d/%d %s] %-40s FAILED: %s%n",
              run, runs, elapsed, shortName(method.getKey()), measured.error);
        } else {
          System.out.printf(
              "[%2d/%d %s] %-40s library %10s, reference %10s %-6s; %13s / %-13s%n",
              run, runs, elapsed, shortName(method.getKey()),
              number(measured.median(true, Metric.TIME)), number(measured.median(false, Metric.TIME)),
              measured.unit, bytes(measured.median(true, Metric.ALLOCATION)),
              bytes(measured.median(false, Metric.ALLOCATION)));
          System.out.printf(
              "%24s CPU: %s; %s%n", "", measured.cpuByThreads(true), measured.cpuByThreads(false));
        }
      }
    }
    String loadAfter = loadAverage();

    List<Row> rows = new ArrayList<>();
    for (Pair pair : pairs) {
      rows.add(Row.of(pair, results.get(pair.fullMethod())));
    }
    String header =
        String.format(
            Locale.ROOT,
            "%s, %d cores, %s; %s rounds of %s+%dx2 x %d s; load average %s at the start, %s at the"
                + " end; %s in all%s",
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name") + " " + System.getProperty("os.arch"),
            span(rounds.values()), span(warmups.values()), settings.iterations,
            settings.iterationSeconds, loadBefore, loadAfter,
            minutes(System.nanoTime() - started),
            settings.referenceSameThread
                ? "; the reference on the library's same-thread executor"
                : "");
    // The same runs, read as CPU time per operation, for each time and throughput pair once.
    List<Row> cpuRows = new ArrayList<>();
    for (Pair pair : pairs) {
      if (pair.metric() == Metric.ALLOCATION) {
        continue;
      }
      Pair cpu =
          new Pair(
              pair.name(),
              pair.benchmark(),
              pair.method(),
              Metric.CPU,
              Double.NaN,
              pair.warmup(),
              pair.rounds());
      cpuRows.add(Row.of(cpu, results.get(pair.fullMethod())));
    }
    System.out.println();
    System.out.println(header);
    System.out.println(text(rows));
    System.out.println(
        "CPU time of the Java threads per operation (client, HTTP client and loopback server; no"
            + " JIT or GC threads), from the same runs; for information: steadier than the times"
            + " when the machine is busy");
    System.out.println(text(cpuRows));
    System.out.println(
        "Ratio: the median over the measured iterations of each library iteration against the"
            + " reference iteration next to it in the same JVM; range: the lowest and highest of"
            + " those.");
    if (settings.markdown != null) {
      Files.writeString(
          settings.markdown,
          header
              + "\n\n"
              + markdown(rows)
              + "\nCPU time of the Java threads per operation, from the same runs:\n\n"
              + markdown(cpuRows),
          StandardCharsets.UTF_8);
      System.out.println("Markdown tables written to " + settings.markdown);
    }
    if (!errors.isEmpty()) {
      System.out.println("Failed runs (their JMH logs say why):");
      errors.forEach(e -> System.out.println("  " + e));
      System.exit(1);
    }
  }

  /**
   * One measured iteration of a run.
   *
   * @param library whether the library ran in it, else the reference
   * @param score the primary result: time per operation or operations per second
   * @param allocation bytes allocated per operation
   * @param cpu CPU time of the Java threads per operation, in microseconds
   * @param callerCpu the part of it on the benchmark's threads
   * @param httpCpu the part on the JDK HTTP clients' threads
   * @param serverCpu the part on the loopback server's threads
   */
  record Iteration(
      boolean library,
      double score,
      double allocation,
      double cpu,
      double callerCpu,
      double httpCpu,
      double serverCpu) {
    double value(Metric metric) {
      switch (metric) {
        case ALLOCATION:
          return allocation;
        case CPU:
          return cpu;
        default:
          return score;
      }
    }
  }

  /** One fork of one benchmark method: its measured iterations, in order. */
  static final class Measured {
    final List<Iteration> iterations = new ArrayList<>();
    String unit = "";
    @Nullable String error;

    double median(boolean library, Metric metric) {
      return median(library, iteration -> iteration.value(metric));
    }

    double median(boolean library, ToDoubleFunction<Iteration> value) {
      List<Double> values = new ArrayList<>();
      for (Iteration iteration : iterations) {
        if (iteration.library() == library) {
          values.add(value.applyAsDouble(iteration));
        }
      }
      return values.isEmpty() ? Double.NaN : Ratios.median(values);
    }

    // Where each side's CPU time per operation went, for the log of a run.
    String cpuByThreads(boolean library) {
      return String.format(
          Locale.ROOT,
          "%s caller %s, HTTP client %s, server %s us/op",
          library ? "library" : "reference",
          number(median(library, Iteration::callerCpu)),
          number(median(library, Iteration::httpCpu)),
          number(median(library, Iteration::serverCpu)));
    }
  }

  // "8-60" when the pairs' warmups (or rounds) differ.
  private static String span(Collection<Integer> counts) {
    int min = counts.stream().mapToInt(Integer::intValue).min().orElse(0);
    int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
    return min == max ? Integer.toString(min) : min + "-" + max;
  }

  private static Measured runOnce(
      String method, int warmup, int round, Settings settings, Path logs) {
    Measured measured = new Measured();
    Path log = logs.resolve(shortName(method) + "-round" + round + ".log");
    Options options =
        new OptionsBuilder()
            .include("^" + Pattern.quote(method) + "$")
            .param("side", "alternating")
            .forks(1)
            .warmupIterations(warmup)
            .warmupTime(TimeValue.seconds(settings.iterationSeconds))
            .measurementIterations(2 * settings.iterations)
            .measurementTime(TimeValue.seconds(settings.iterationSeconds))
            .addProfiler(GCProfiler.class)
            .addProfiler(CpuTimeProfiler.class)
            // A call that hangs fails its run instead of stopping the whole table.
            .timeout(TimeValue.seconds(60))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.NORMAL)
            .jvmArgsAppend(
                "-D" + ReferenceClient.SAME_THREAD_PROPERTY + "=" + settings.referenceSameThread)
            .output(log.toString())
            .build();
    try {
      Collection<RunResult> results = new Runner(options).run();
      if (results.isEmpty()) {
        measured.error = "no result (see " + log + ")";
        return measured;
      }
      int i = 0;
      for (BenchmarkResult fork : results.iterator().next().getBenchmarkResults()) {
        for (IterationResult iteration : fork.getIterationResults()) {
          measured.unit = iteration.getPrimaryResult().getScoreUnit();
          measured.iterations.add(
              new Iteration(
                  Side.isLibrary(i++),
                  iteration.getPrimaryResult().getScore(),
                  secondary(iteration, ALLOCATION_KEY),
                  secondary(iteration, CpuTimeProfiler.THREADS_KEY),
                  secondary(iteration, CpuTimeProfiler.CALLER_KEY),
                  secondary(iteration, CpuTimeProfiler.HTTP_KEY),
                  secondary(iteration, CpuTimeProfiler.SERVER_KEY)));
        }
      }
    } catch (RunnerException | RuntimeException e) {
      measured.error = e.getClass().getSimpleName() + " (see " + log + ")";
    }
    return measured;
  }

  private static double secondary(IterationResult iteration, String key) {
    Result<?> result = iteration.getSecondaryResults().get(key);
    return result == null ? Double.NaN : result.getScore();
  }

  /** A line of the table, computed from the rounds. */
  record Row(
      Pair pair,
      double library,
      double reference,
      String unit,
      double ratio,
      double lowest,
      double highest) {

    static Row of(Pair pair, @Nullable List<Measured> rounds) {
      Metric metric = pair.metric();
      List<Double> ratios = new ArrayList<>();
      List<Double> libraryValues = new ArrayList<>();
      List<Double> referenceValues = new ArrayList<>();
      String unit = "";
      for (Measured round : rounds == null ? List.<Measured>of() : rounds) {
        if (round.error != null) {
          continue;
        }
        unit = metric == Metric.ALLOCATION ? "B/op" : metric == Metric.CPU ? "us/op" : round.unit;
        // Iterations 2k and 2k+1 are one library and one reference iteration, side by side.
        List<Iteration> iterations = round.iterations;
        for (int i = 0; i + 1 < iterations.size(); i += 2) {
          Iteration first = iterations.get(i);
          Iteration second = iterations.get(i + 1);
          double library = (first.library() ? first : second).value(metric);
          double reference = (first.library() ? second : first).value(metric);
          if (first.library() == second.library() || !(library > 0) || !(reference > 0)) {
            continue;
          }
          libraryValues.add(library);
          referenceValues.add(reference);
          ratios.add(metric == Metric.THROUGHPUT ? reference / library : library / reference);
        }
      }
      if (ratios.isEmpty()) {
        return new Row(pair, Double.NaN, Double.NaN, unit, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Row(
          pair,
          median(libraryValues),
          median(referenceValues),
          unit,
          median(ratios),
          ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
          ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    String result() {
      if (Double.isNaN(ratio)) {
        return "error";
      }
      if (Double.isNaN(pair.target())) {
        return "-";
      }
      return ratio <= pair.target() ? "pass" : "FAIL";
    }

    String target() {
      return Double.isNaN(pair.target()) ? "-" : String.format(Locale.ROOT, "<= %.2f", pair.target());
    }

    String ratioText() {
      if (Double.isNaN(ratio)) {
        return "-";
      }
      return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", ratio, lowest, highest);
    }

    String score(double value) {
      if (Double.isNaN(value)) {
        return "-";
      }
      return pair.metric() == Metric.ALLOCATION ? bytes(value) : number(value) + " " + unit;
    }
  }

  private static String text(List<Row> rows) {
    String format = "%-42s %16s %16s %18s %8s %6s%n";
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, format, "benchmark", "library", "reference", "ratio (range)", "target", "result"));
    for (Row row : rows) {
      table.append(
          String.format(
              Locale.ROOT, format, row.pair().name(), row.score(row.library()),
              row.score(row.reference()), row.ratioText(), row.target(), row.result()));
    }
    return table.toString();
  }

  private static String markdown(List<Row> rows) {
    StringBuilder table = new StringBuilder();
    table.append("| benchmark | library | reference | ratio (range over iteration pairs) | target | result |\n");
    table.append("|---|---:|---:|---:|---:|---|\n");
    for (Row row : rows) {
      table.append(
          String.join(
              " | ",
              "| " + row.pair().name(),
              row.score(row.library()),
              row.score(row.reference()),
              row.ratioText(),
              row.target(),
              row.result() + " |\n"));
    }
    return table.toString();
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    if (value >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (value >= 100) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String bytes(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    if (value >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MB/op", value / (1024 * 1024));
    }
    return String.format(Locale.ROOT, "%.1f KB/op", value / 1024);
  }

  private static String shortName(String method) {
    return method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1);
  }

  private static String minutes(long nanos) {
    Duration d = Duration.ofNanos(nanos);
    return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
  }

  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    try {
      // The three averages where the system has them.
      List<String> fields = Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" "));
      return String.join(" ", fields.subList(0, 3));
    } catch (IOException | RuntimeException e) {
      return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }
  }
}
