// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2 commands ({@code ip}, {@code bridge}) to build the demo's throwaway namespaces. Only
 * the examples do this: the library itself never forks a process.
 */
public final class Ip {
  private Ip() {}

  /** Runs {@code command} and returns its output; throws with the output when it fails. */
  public static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("'" + String.join(" ", command) + "' failed: "
            + text.strip());
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run '" + String.join(" ", command)
          + "' (is iproute2 installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    }
  }

  /** Runs {@code ip -n NAMESPACE args…}. */
  public static String in(String namespace, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", namespace));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /** The names {@code ip netns list} shows. */
  public static List<String> namespaces() {
    List<String> names = new ArrayList<>();
    for (String line : run("ip", "netns", "list").split("\n")) {
      String s = line.strip();
      if (!s.isEmpty()) {
        names.add(s.split("\\s+")[0]);
      }
    }
    return names;
  }

  /** True when running as root (uid 0), which creating namespaces needs. */
  public static boolean isRoot() {
    try {
      return ((Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"),
          "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
