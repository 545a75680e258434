// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netfloor.examples.demo.Ip;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A throwaway namespace {@code nf-ex-<random>} holding bridge {@code br0} (up) and a veth
 * {@code vnet1} enslaved to it, for tests against the real kernel; deleted by {@link #close()}.
 */
public final class TestNamespace implements AutoCloseable {
  public final String name;

  private TestNamespace(String name) {
    this.name = name;
  }

  /** Skips the test unless root; CI runs as root, where these tests always run. */
  public static void requireRoot() {
    assumeTrue(Ip.isRoot(), "kernel tests need root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to create"
        + " network namespaces; run as root (CI does)");
  }

  public static TestNamespace withBridge() {
    requireRoot();
    byte[] r = new byte[4];
    new SecureRandom().nextBytes(r);
    TestNamespace ns = new TestNamespace("nf-ex-" + HexFormat.of().formatHex(r));
    Ip.run("ip", "netns", "add", ns.name);
    try {
      ns.ip("link", "add", "br0", "type", "bridge");
      ns.ip("link", "set", "br0", "up");
      ns.ip("link", "add", "vnet1", "type", "veth", "peer", "name", "vnet1p");
      ns.ip("link", "set", "vnet1", "master", "br0", "up");
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  public String ip(String... args) {
    return Ip.in(name, args);
  }

  /** {@code tc -n NAME -j args…}: the kernel's view, independent of NetFloor's netlink code. */
  public String tcJson(String... args) {
    String[] cmd = new String[args.length + 4];
    cmd[0] = "tc";
    cmd[1] = "-n";
    cmd[2] = name;
    cmd[3] = "-j";
    System.arraycopy(args, 0, cmd, 4, args.length);
    return Ip.run(cmd);
  }

  public String tc(String... args) {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "tc";
    cmd[1] = "-n";
    cmd[2] = name;
    System.arraycopy(args, 0, cmd, 3, args.length);
    return Ip.run(cmd);
  }

  @Override
  public void close() {
    Ip.run("ip", "netns", "del", name);
  }
}
