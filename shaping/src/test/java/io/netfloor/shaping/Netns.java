// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway network namespace {@code nf-<random>} holding a bridge {@code br0}, for tests against
 * the real kernel. Created with {@code ip}, removed by {@link #close()}. Tests use it only through
 * try-with-resources, so it is deleted whatever happens.
 */
final class Netns implements AutoCloseable {
  final String name;

  private Netns(String name) {
    this.name = name;
  }

  /** Skips the test (with the reason) unless running as root; CI runs as root, where it never skips. */
  static void requireRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "kernel tests need root (CAP_NET_ADMIN) to create network namespaces; run as root");
  }

  /** A new namespace with bridge br0 up. */
  static Netns withBridge() {
    requireRoot();
    Netns ns = new Netns("nf-" + UUID.randomUUID().toString().substring(0, 8));
    run("ip", "netns", "add", ns.name);
    try {
      ns.ip("link", "add", "br0", "type", "bridge");
      ns.ip("link", "set", "br0", "up");
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** Runs {@code ip -n NAME args…}. */
  String ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /** Runs {@code tc -n NAME args…} and returns its output. */
  String tc(String... args) {
    List<String> cmd = new ArrayList<>(List.of("tc", "-n", name));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " timed out");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    run("ip", "netns", "del", name);
  }
}
