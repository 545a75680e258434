// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway network namespace {@code nf-<random>} for one test, made and removed with {@code ip
 * netns}; tests (never library code) run {@code ip} and {@code tc} inside it as the independent
 * oracle. Close it in a finally block (try-with-resources); every namespace it created for "VMs" goes
 * with it.
 */
public final class Netns implements AutoCloseable {
  private final String name;
  private final List<String> extra = new ArrayList<>();

  private Netns(String name) {
    this.name = name;
  }

  /**
   * Skips the calling test unless the JVM runs as root (the kernel tests need CAP_NET_ADMIN and
   * CAP_SYS_ADMIN). CI runs as root, so there they always run.
   */
  public static void assumeRoot() {
    assumeTrue(isRoot(), "kernel integration tests need root (CAP_NET_ADMIN, CAP_SYS_ADMIN for "
        + "namespaces); skipped because this JVM runs as uid " + uid());
  }

  public static boolean isRoot() {
    return "0".equals(uid());
  }

  private static String uid() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("Uid:")) {
          return l.split("\\s+")[1];
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }

  /** Creates {@code nf-<8 hex>}. */
  public static Netns create() {
    byte[] r = new byte[4];
    ThreadLocalRandom.current().nextBytes(r);
    Netns ns = new Netns("nf-" + HexFormat.of().formatHex(r));
    run("ip", "netns", "add", ns.name);
    ns.ip("link", "set", "lo", "up");
    return ns;
  }

  public String name() {
    return name;
  }

  /** {@code ip -n NS args…}; fails the test on a non-zero exit. */
  public String ip(String... args) {
    return run(prefix("ip", "-n", name, args));
  }

  /** {@code ip -n NS -batch -} with {@code lines}: many link changes in one process. */
  public void ipBatch(List<String> lines) {
    runWithInput(String.join("\n", lines) + "\n", "ip", "-n", name, "-batch", "-");
  }

  /** {@code tc -n NS args…}. */
  public String tc(String... args) {
    return run(prefix("tc", "-n", name, args));
  }

  /** {@code ip netns exec NS command…}. */
  public String exec(String... command) {
    return run(concat(new String[] {"ip", "netns", "exec", name}, command));
  }

  /** A bridge {@code br}, up. */
  public Netns bridge(String br) {
    ip("link", "add", br, "type", "bridge");
    ip("link", "set", br, "up");
    return this;
  }

  /**
   * A "VM": a veth pair whose port end {@code port} is enslaved to {@code br} here and whose other
   * end lives in a namespace of its own ({@code <ns>-v<index>}, removed on close) as {@code eth0}
   * with {@code mac} and {@code address}.
   *
   * @return the VM's namespace name
   */
  public String vm(String br, int index, String port, String mac, String address) {
    String vmns = name + "-v" + index;
    run("ip", "netns", "add", vmns);
    extra.add(vmns);
    ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", vmns);
    ip("link", "set", port, "master", br);
    ip("link", "set", port, "up");
    run("ip", "-n", vmns, "link", "set", "eth0", "address", mac);
    run("ip", "-n", vmns, "addr", "add", address, "dev", "eth0");
    run("ip", "-n", vmns, "link", "set", "eth0", "up");
    run("ip", "-n", vmns, "link", "set", "lo", "up");
    return vmns;
  }

  @Override
  public void close() {
    for (String vmns : extra) {
      runQuietly("ip", "netns", "del", vmns);
    }
    runQuietly("ip", "netns", "del", name);
  }

  /** Runs a command, returning stdout; fails with its stderr on a non-zero exit or after 60 s. */
  public static String run(String... command) {
    return runWithInput(null, command);
  }

  private static String runWithInput(String input, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
      if (input != null) {
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n"
            + new String(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void runQuietly(String... command) {
    try {
      run(command);
    } catch (AssertionError ignored) {
      // best effort in cleanup; the test's own failure matters more
    }
  }

  private static String[] prefix(String a, String b, String c, String[] rest) {
    return concat(new String[] {a, b, c}, rest);
  }

  private static String[] concat(String[] head, String[] rest) {
    String[] out = new String[head.length + rest.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(rest, 0, out, head.length, rest.length);
    return out;
  }
}
