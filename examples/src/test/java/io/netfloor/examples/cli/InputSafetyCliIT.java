// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile input that only the kernel can tell apart, in a throwaway namespace ({@code br0}, and
 * {@code vnet1}, a veth port of it): refused with a typed exit code and one line, the kernel and
 * the state directory left as they were.
 */
class InputSafetyCliIT extends CliOnBridge {
  private Run net(String... args) {
    return cli("t", "state", args);
  }

  private static void assertRefused(Run r, int exit, String... fragments) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(exit);
    assertThat(r.err().lines().toList()).as("stderr is one line").hasSize(1);
    assertThat(r.err()).startsWith("netfloor: ").doesNotContain("\tat ")
        .doesNotContain("unexpected").contains(fragments);
  }

  @Test
  void aVethGivenAsTheBridgeIsRefusedNamingItsKind() {
    assertRefused(net("start", "--bridge", "vnet1", "--average", "100mbit", "--netns", ns.name()),
        ExitCodes.USAGE, "device vnet1 of network 't' is a veth device, not a bridge",
        "ip -d link show type bridge");
    assertThat(ns.tc("qdisc", "show", "dev", "vnet1")).doesNotContain("htb");
    assertThat(tmp.resolve("state/networks/t.json")).doesNotExist();
    // the bridge itself still starts
    assertThat(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()).exit())
        .isZero();
  }

  /**
   * A floor near 2^63 bit/s next to another floor used to overflow the sum (an untyped
   * ArithmeticException, exit 1): it is refused by admission, and nothing changes.
   */
  @Test
  void aFloorThatWouldOverflowTheSumIsRefusedByAdmission() {
    assertThat(net("start", "--bridge", "br0", "--average", "1gbit", "--netns", ns.name()).exit())
        .isZero();
    assertThat(net("plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor", "10mbit").exit())
        .isZero();
    String classesBefore = ns.tc("class", "show", "dev", "br0");
    assertRefused(net("plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor",
        "9223372036854775807bit"), ExitCodes.REFUSED,
        "cannot give interface 'vm2' a floor of 9223372036854775807bit on network 't'",
        "sum to 10mbit", "990mbit left");
    assertRefused(net("plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor", "8589934591gibit"),
        ExitCodes.REFUSED, "cannot give interface 'vm2'");
    assertThat(ns.tc("class", "show", "dev", "br0")).isEqualTo(classesBefore);
    assertThat(net("status", "--json").out()).contains("vm1").doesNotContain("vm2");
  }

  /**
   * Linux takes a bridge named {@code brü0}; NetFloor refuses it as a usage error (its status
   * files and records would not keep the name), and the bridge is left untouched.
   */
  @Test
  void aNonAsciiBridgeTheKernelHoldsIsRefusedAndLeftAlone() throws Exception {
    // through ip's stdin as UTF-8: a command-line argument could be re-encoded by the JVM's locale
    ns.ipBatch(List.of("link add name brü0 type bridge", "link set brü0 up"));
    assertThat(linkNames()).contains("brü0");

    assertRefused(net("start", "--bridge", "brü0", "--average", "100mbit", "--netns", ns.name()),
        ExitCodes.USAGE, "interface name 'brü0' contains U+00FC 'ü', which is not printable ASCII",
        "ip link set dev OLD name NEW");
    assertThat(tmp.resolve("state/networks/t.json")).doesNotExist();
    assertThat(qdiscsJson()).doesNotContain("htb");
  }

  /** {@code ip -j link} of the namespace, read as UTF-8 bytes. */
  private String linkNames() {
    return ns.ip("-j", "link", "show");
  }

  private String qdiscsJson() {
    return ns.tc("-j", "qdisc", "show");
  }
}
