// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a command's time goes, phase by phase, for measuring start-up: with the environment
 * variable {@code NETFLOOR_TRACE_STARTUP=1} the command prints on stderr, as it exits, for the JVM's
 * start up to {@code main} and then for each phase: the wall time, the CPU time of the main thread
 * and that of the whole process (every thread: the JIT compiler, the namespace thread), in
 * milliseconds. CPU time is the steadier figure on a busy machine. Without the variable,
 * {@link #mark} only tests a constant.
 */
final class StartupTrace {
  private static final boolean ON = "1".equals(System.getenv("NETFLOOR_TRACE_STARTUP"));
  private static final List<String> NAMES = ON ? new ArrayList<>() : null;
  /** Per mark: wall, main thread CPU, process CPU, in nanoseconds. */
  private static final List<long[]> TIMES = ON ? new ArrayList<>() : null;

  private StartupTrace() {}

  /** Records that the phase called {@code name} ended now. */
  static void mark(String name) {
    if (ON) {
      long wall = System.nanoTime();
      NAMES.add(name);
      TIMES.add(new long[] {wall, cpuNanos(new File("/proc/thread-self/schedstat")),
          processCpuNanos()});
    }
  }

  /** Prints the phases on {@code err}, if tracing; called once, as the command exits. */
  static void print(PrintStream err) {
    if (!ON || TIMES.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    // the JVM's own clock from its start; read last, since the management classes cost a little
    long uptimeMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    long[] first = TIMES.get(0);
    double mainAt = uptimeMillis - (now - first[0]) / 1e6;
    StringBuilder b = new StringBuilder("netfloor start-up trace, ms wall/thread CPU/process CPU:");
    b.append(String.format(" %s %.1f/%.1f/%.1f", NAMES.get(0), mainAt, first[1] / 1e6,
        first[2] / 1e6));
    for (int i = 1; i < TIMES.size(); i++) {
      long[] a = TIMES.get(i - 1);
      long[] z = TIMES.get(i);
      b.append(String.format(" | %s %.1f/%.1f/%.1f", NAMES.get(i), (z[0] - a[0]) / 1e6,
          (z[1] - a[1]) / 1e6, (z[2] - a[2]) / 1e6));
    }
    long[] last = TIMES.get(TIMES.size() - 1);
    b.append(String.format(" | total %.1f/-/%.1f", mainAt + (last[0] - first[0]) / 1e6,
        last[2] / 1e6));
    err.println(b);
  }

  /** The process's CPU time so far: the sum over its threads. */
  private static long processCpuNanos() {
    File[] tasks = new File("/proc/self/task").listFiles();
    long sum = 0;
    if (tasks != null) {
      for (File t : tasks) {
        sum += cpuNanos(new File(t, "schedstat"));
      }
    }
    return sum;
  }

  /** The first field of a {@code schedstat} file: nanoseconds on a CPU; 0 if unreadable. */
  private static long cpuNanos(File schedstat) {
    try (InputStream in = new FileInputStream(schedstat)) {
      String s = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      int space = s.indexOf(' ');
      return Long.parseLong(space < 0 ? s.strip() : s.substring(0, space));
    } catch (IOException | NumberFormatException e) {
      return 0; // a thread that ended meanwhile
    }
  }
}
