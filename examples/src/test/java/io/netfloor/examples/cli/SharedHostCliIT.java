// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CLI on a bridge it shares, in a throwaway namespace, with {@code tc} as the oracle: another
 * tool's root qdisc is refused (exit 3, one line naming it and the ways out) and left as it was
 * until {@code start --replace}; a second network, or the same one from a second state directory,
 * is refused; {@code stop} after a plug with the interface's own device shaping leaves the device
 * as it was before the plug and no ifb behind.
 */
class SharedHostCliIT extends CliOnBridge {
  private Run start(String network, String stateDir, String... extra) {
    List<String> args = new ArrayList<>(List.of("start", "--bridge", "br0", "--average",
        "100mbit", "--netns", ns.name()));
    args.addAll(List.of(extra));
    return cli(network, stateDir, args.toArray(String[]::new));
  }

  private static Run ok(Run r) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
    return r;
  }

  private List<String> linkNames() {
    return ns.ip("-br", "link", "show").lines().map(l -> l.split("\\s+")[0]).sorted().toList();
  }

  private String bridgeState() {
    return ns.tc("-j", "qdisc", "show", "dev", "br0") + ns.tc("-j", "class", "show", "dev", "br0")
        + ns.tc("-j", "filter", "show", "dev", "br0");
  }

  @Test
  void anotherToolsRootIsRefusedUntouchedUntilReplace() {
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "5:", "tbf", "rate", "10mbit", "burst",
        "32kb", "latency", "50ms");
    String before = bridgeState();

    Run refused = start("t", "a");
    assertThat(refused.exit()).as("stderr: %s", refused.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(refused.err().lines().toList()).hasSize(1);
    assertThat(refused.err()).contains("tbf 5:", "NetFloor did not make", "--replace");
    assertThat(bridgeState()).isEqualTo(before);
    // a refused start remembers nothing: stop says the network is unknown
    assertThat(cli("t", "a", "stop").exit()).isNotZero();

    ok(start("t", "a", "--replace"));
    String qdiscs = ns.tc("qdisc", "show", "dev", "br0");
    assertThat(qdiscs).contains("qdisc htb 1: root").doesNotContain("tbf");
    assertThat(ns.tc("filter", "show", "dev", "br0")).contains("7fe::1")
        .contains("4e464c52"); // the mark
    ok(cli("t", "a", "stop"));
    assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb").doesNotContain("tbf");
  }

  @Test
  void aSecondNetworkOrStateDirectoryOnTheBridgeIsRefused() {
    ok(start("n1", "a"));
    ok(cli("n1", "a", "plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor", "10mbit"));
    String before = bridgeState();

    Run second = start("n2", "b");
    assertThat(second.exit()).as("stderr: %s", second.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(second.err()).contains("'n1'");
    Run sameNameElsewhere = start("n1", "b");
    assertThat(sameNameElsewhere.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(sameNameElsewhere.err()).contains("'n1'", "another process or state directory");
    assertThat(bridgeState()).isEqualTo(before);

    ok(cli("n1", "a", "plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor", "10mbit"));
    assertThat(ok(cli("n1", "a", "reconcile")).out()).contains("nothing to repair");
    ok(cli("n1", "a", "stop"));
  }

  @Test
  void stopRemovesTheDevicesShapingAndIfb() {
    String deviceBefore = ns.tc("-j", "qdisc", "show", "dev", "vnet1");
    List<String> linksBefore = linkNames();
    ok(start("t", "a"));
    ok(cli("t", "a", "plug", "vm1", "--mac", "52:54:00:00:00:01", "--device", "vnet1",
        "--floor", "10mbit", "--average", "50mbit", "--outbound-average", "20mbit"));
    assertThat(ns.tc("qdisc", "show", "dev", "vnet1")).contains("htb 1:", "ingress ffff:");
    assertThat(ns.ip("-br", "link", "show")).contains("nfb-");

    ok(cli("t", "a", "stop"));
    assertThat(ns.tc("-j", "qdisc", "show", "dev", "vnet1")).isEqualTo(deviceBefore);
    assertThat(linkNames()).isEqualTo(linksBefore).noneMatch(l -> l.startsWith("nfb-"));
    assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb");
  }

  @Test
  void stopWithTheBridgeGoneStillRemovesTheIfb() {
    ok(start("t", "a"));
    ok(cli("t", "a", "plug", "vm1", "--mac", "52:54:00:00:00:01", "--device", "vnet1",
        "--outbound-average", "20mbit"));
    assertThat(linkNames()).anyMatch(l -> l.startsWith("nfb-"));
    ns.ip("link", "del", "br0");

    Run stopped = ok(cli("t", "a", "stop"));
    assertThat(stopped.out()).contains("no longer exists");
    assertThat(linkNames()).noneMatch(l -> l.startsWith("nfb-"));
    assertThat(ns.tc("qdisc", "show", "dev", "vnet1")).doesNotContain("ingress");
  }
}
