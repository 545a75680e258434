// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.bench;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CLI row: {@code netfloor plug}, {@code status} and {@code unplug} each forked as a new JVM
 * with the {@code ./netfloor} launcher's flags (the build's class-data sharing archive, C1 only),
 * against forking {@code tc class add}, {@code tc -s class show} and
 * {@code tc class del} in the same namespace: what a hook or script pays per command.
 */
final class CliBench {
  /** The JVM flags of the {@code ./netfloor} launcher (kept equal to it). */
  static final List<String> LAUNCHER_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto",
      "-Xlog:cds=off");

  /** Wall times in nanoseconds, one per command, in run order. */
  record Times(List<Long> plug, List<Long> status, List<Long> unplug) {}

  private final Lab lab;
  private final List<String> java;
  private final boolean archived;
  private final Path state;

  CliBench(Lab lab) throws IOException {
    this.lab = lab;
    this.state = lab.workDir().resolve("cli-state");
    Path jar = ownJar();
    Path jsa = jar == null ? null : jar.resolveSibling("netfloor.jsa");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(LAUNCHER_FLAGS);
    archived = jsa != null && Files.isRegularFile(jsa)
        && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) >= 0;
    if (archived) {
      cmd.add("-XX:SharedArchiveFile=" + jsa);
    }
    if (jar != null) {
      cmd.addAll(List.of("-jar", jar.toString()));
    } else { // classes directory (tests): the same main, without an archive
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
          "io.netfloor.examples.cli.NetFloorCli"));
    }
    this.java = List.copyOf(cmd);
  }

  /** Whether the forked JVMs use the build's class-data sharing archive. */
  boolean archived() {
    return archived;
  }

  /** The command line of one forked CLI command, for the report. */
  String commandLine() {
    return String.join(" ", java);
  }

  /**
   * Starts a network on a fresh {@code br0}, runs one untimed plug/unplug (the first command of
   * a boot probes the kernel; later ones use the cached result), then times {@code samples}
   * plug, status, unplug triples.
   */
  Times netfloor(int samples) throws IOException {
    lab.freshBridge();
    cli("start", "--bridge", Lab.BRIDGE, "--average", "10gbit", "--netns", lab.ns);
    cli("plug", "warm", "--mac", mac(0), "--floor", "1mbit");
    cli("unplug", "warm");
    Times t = new Times(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 1; i <= samples; i++) {
      t.plug().add(cli("plug", "vm" + i, "--mac", mac(i), "--floor", "1mbit"));
      t.status().add(cli("status"));
      t.unplug().add(cli("unplug", "vm" + i));
    }
    cli("stop");
    return t;
  }

  /** The same number of {@code tc class add}, {@code tc -s class show}, {@code tc class del}. */
  Times tc(int samples) throws IOException {
    lab.freshBridge();
    lab.tcTimed("qdisc", "add", "dev", Lab.BRIDGE, "root", "handle", "1:", "htb", "default", "2");
    lab.tcTimed("class", "add", "dev", Lab.BRIDGE, "parent", "1:", "classid", "1:1", "htb",
        "rate", "10gbit");
    Times t = new Times(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 1; i <= samples; i++) {
      String classId = "1:" + Integer.toHexString(i + 2);
      t.plug().add(lab.tcTimed("class", "add", "dev", Lab.BRIDGE, "parent", "1:1", "classid",
          classId, "htb", "rate", "1mbit", "ceil", "10gbit"));
      t.status().add(lab.tcTimed("-s", "class", "show", "dev", Lab.BRIDGE));
      t.unplug().add(lab.tcTimed("class", "del", "dev", Lab.BRIDGE, "classid", classId));
    }
    lab.freshBridge();
    return t;
  }

  private long cli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(java);
    cmd.addAll(Arrays.asList(args));
    cmd.addAll(List.of("--network", "bench", "--state-dir", state.toString()));
    long t0 = System.nanoTime();
    Lab.run(cmd.toArray(String[]::new));
    return System.nanoTime() - t0;
  }

  private static String mac(int i) {
    return String.format("52:54:00:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
  }

  /** The jar this class was loaded from, or null when it runs from a classes directory. */
  private static Path ownJar() {
    try {
      File f = new File(CliBench.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      return f.isFile() ? f.toPath().toAbsolutePath() : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
