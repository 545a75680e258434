// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import io.netfloor.netlink.NetlinkTrafficControl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's throwaway network namespaces ({@code nf-bench-<random>}, plus {@code -tx}/{@code -rx}
 * for the data plane) and the processes it forks in them ({@code ip}, {@code tc}: the examples module
 * may fork them, the library never does). Everything is removed by {@link #close()}, which the harness
 * calls in {@code finally}; nothing outside these namespaces is touched.
 */
final class Lab implements AutoCloseable {
  static final String BRIDGE = "br0";

  final String ns;
  private final List<String> created = new ArrayList<>();
  private final Path workDir;
  private NetlinkTrafficControl tc;

  private Lab(String ns, Path workDir) {
    this.ns = ns;
    this.workDir = workDir;
  }

  /** Creates {@code nf-bench-<random>} with an empty bridge {@code br0} in it. */
  static Lab create() throws IOException {
    String ns = String.format("nf-bench-%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    Path dir = Files.createTempDirectory(Path.of("/var/tmp"), ns + "-");
    Lab lab = new Lab(ns, dir);
    try {
      lab.addNamespace(ns);
      lab.freshBridge();
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  /** A scratch directory on the real disk (not tmpfs), removed on close. */
  Path workDir() {
    return workDir;
  }

  void addNamespace(String name) throws IOException {
    if (!name.startsWith("nf-bench-")) {
      throw new IllegalArgumentException("benchmark namespaces are nf-bench-*: " + name);
    }
    run("ip", "netns", "add", name);
    created.add(name);
    run("ip", "-n", name, "link", "set", "lo", "up");
  }

  /** Deletes {@code br0} (with everything on it) and creates it again, empty and up. */
  void freshBridge() throws IOException {
    runQuietly("ip", "-n", ns, "link", "del", BRIDGE);
    run("ip", "-n", ns, "link", "add", BRIDGE, "type", "bridge");
    run("ip", "-n", ns, "link", "set", BRIDGE, "address", "52:54:00:ff:ff:fe", "up");
  }

  /** The backend inside the lab's namespace (opened once, capabilities probed once). */
  NetlinkTrafficControl tc() {
    if (tc == null) {
      tc = NetlinkTrafficControl.openInNamespace(ns);
      tc.capabilities();
    }
    return tc;
  }

  /** Runs {@code tc -n NS ARGS...} once; returns its wall time in nanoseconds (spawn included). */
  long tcTimed(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("tc", "-n", ns));
    cmd.addAll(List.of(args));
    long t0 = System.nanoTime();
    run(cmd.toArray(String[]::new));
    return System.nanoTime() - t0;
  }

  /** Writes {@code lines} to a file and runs {@code tc -n NS -batch FILE}; returns its wall time. */
  long tcBatch(List<String> lines) throws IOException {
    Path file = workDir.resolve("batch.tc");
    Files.write(file, lines, StandardCharsets.US_ASCII);
    return tcTimed("-batch", file.toString());
  }

  /** Output of {@code tc -n NS ARGS...}. */
  String tcOutput(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("tc", "-n", ns));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /** Runs a command to completion; throws with its output when it fails. */
  static String run(String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", cmd));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text.strip());
    }
    return text;
  }

  static void runQuietly(String... cmd) {
    try {
      run(cmd);
    } catch (IOException e) {
      // expected when there is nothing to remove
    }
  }

  @Override
  public void close() {
    if (tc != null) {
      tc.close();
      tc = null;
    }
    for (int i = created.size() - 1; i >= 0; i--) {
      runQuietly("ip", "netns", "del", created.get(i));
    }
    created.clear();
    try (var files = Files.walk(workDir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort: a scratch directory under /var/tmp
    }
  }
}
