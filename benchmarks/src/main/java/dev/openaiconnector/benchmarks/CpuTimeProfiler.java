package dev.openaiconnector.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports CPU time per operation, in microseconds:
 *
 * <ul>
 *   <li>{@code cpu.time.norm}: the Java threads' CPU time (the benchmark's, the HTTP client's, the
 *       loopback server's), without the JIT compiler's and the garbage collector's threads;
 *   <li>{@code cpu.process.norm}: the whole process's, those included;
 *   <li>{@code cpu.caller.norm}, {@code cpu.http.norm}, {@code cpu.server.norm}: the Java threads'
 *       split by what they do: the benchmark's own threads (the callers), the JDK HTTP clients'
 *       threads (selector and executor), the loopback server's; the rest is {@code
 *       cpu.time.norm} less these.
 * </ul>
 *
 * <p>Why: on a machine that other work keeps busy, the time per operation also counts the waits
 * for a core, and a run that is not yet fully compiled counts the compiler's work. The Java
 * threads' CPU time counts neither, so it is the steadier measure of what a client costs while the
 * machine is noisy; on a quiet machine the time per operation is the measure. A thread that ends
 * during an iteration takes its time with it (the HTTP client's pool threads live for minutes).
 * Run it with {@code -prof dev.openaiconnector.benchmarks.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  /** The Java threads' CPU time per operation. */
  static final String THREADS_KEY = "cpu.time.norm";

  /** The process's CPU time per operation. */
  static final String PROCESS_KEY = "cpu.process.norm";

  /** The benchmark threads' CPU time per operation. */
  static final String CALLER_KEY = "cpu.caller.norm";

  /** The JDK HTTP clients' threads' CPU time per operation. */
  static final String HTTP_KEY = "cpu.http.norm";

  /** The loopback server's threads' CPU time per operation. */
  static final String SERVER_KEY = "cpu.server.norm";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<Long, Long> threadStart = new HashMap<>();
  private long processStart;

  @Override
  public String getDescription() {
    return "CPU time per operation: the Java threads', and the whole process's";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    threadStart.clear();
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        threadStart.put(id, cpu);
      }
    }
    processStart = os.getProcessCpuTime();
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH's signature
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long process = os.getProcessCpuTime() - processStart;
    long java = 0;
    long caller = 0;
    long http = 0;
    long server = 0;
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = threads.getThreadCpuTime(ids[i]);
      if (cpu < 0 || infos[i] == null) {
        continue;
      }
      long used = cpu - threadStart.getOrDefault(ids[i], 0L);
      java += used;
      String name = infos[i].getThreadName();
      if (name.contains("jmh-worker")) {
        caller += used;
      } else if (name.startsWith("HttpClient-")) {
        http += used;
      } else if (name.startsWith(LoopbackServer.THREAD_PREFIX)) {
        server += used;
      }
    }
    long ops = result.getMetadata().getAllOps();
    return List.of(
        new ScalarResult(THREADS_KEY, perOp(java, ops), "us/op", AggregationPolicy.AVG),
        new ScalarResult(PROCESS_KEY, perOp(process, ops), "us/op", AggregationPolicy.AVG),
        new ScalarResult(CALLER_KEY, perOp(caller, ops), "us/op", AggregationPolicy.AVG),
        new ScalarResult(HTTP_KEY, perOp(http, ops), "us/op", AggregationPolicy.AVG),
        new ScalarResult(SERVER_KEY, perOp(server, ops), "us/op", AggregationPolicy.AVG));
  }

  private static double perOp(long nanos, long ops) {
    return ops == 0 ? Double.NaN : nanos / 1000.0 / ops;
  }
}
