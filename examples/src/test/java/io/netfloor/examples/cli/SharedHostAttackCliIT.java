// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CLI on a shared bridge, as a hostile user drives it (the helpers are those of
 * {@link SharedHostCliIT}): after a {@code kill -9} of the first {@code start}, the way out the
 * refusal names must work; refusals on a device or a class another tool uses must be exit 3, one
 * line, name what the kernel holds and give a command that works.
 */
class SharedHostAttackCliIT extends CliOnBridge {
  private Run start(String network, String stateDir, String... extra) {
    List<String> args = new ArrayList<>(List.of("start", "--bridge", "br0", "--average",
        "100mbit", "--netns", ns.name()));
    args.addAll(List.of(extra));
    return cli(network, stateDir, args.toArray(String[]::new));
  }

  private static Run ok(Run r) {
    assertThat(r.exit()).as("exit code; stdout: %s stderr: %s", r.out(), r.err()).isZero();
    return r;
  }

  /**
   * What {@code kill -9} of the first {@code netfloor start --network t} leaves when it lands after
   * the mark and before the store and the network record are written (reproduced with strace
   * {@code -e inject=sendto:signal=KILL:when=22}): NetFloor's root and its mark for 't', nothing in
   * the state directory. The restart refuses (exit 3) and names the way out, {@code start
   * --replace}, which must work (it removes the network's own leftover tree) and leave a network
   * that stops cleanly. (It once advised a stop, which refuses a network with no record: a loop.)
   */
  @Test
  void theWayOutTheRefusalAdvisesAfterAKilledFirstStartWorks() {
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "1:", "htb", "default", "2");
    ns.tc("filter", "add", "dev", "br0", "parent", "1:", "protocol", "all", "prio", "2", "handle",
        "7fe:", "u32", "divisor", "1");
    ns.tc("filter", "add", "dev", "br0", "parent", "1:", "protocol", "all", "prio", "2", "handle",
        "7fe::1", "u32", "ht", "7fe:", "match", "u32", "0x4e464c52", "0xffffffff", "at", "0",
        "match", "u32", "0x01000001", "0xffffffff", "at", "4", "match", "u32", "0x74000000",
        "0xffffffff", "at", "8");

    Run refused = start("t", "a");
    assertThat(refused.exit()).as("stderr: %s", refused.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(refused.err()).contains("netfloor start --replace");

    ok(start("t", "a", "--replace"));
    assertThat(ns.tc("filter", "show", "dev", "br0")).contains("7fe::1");
    ok(cli("t", "a", "stop"));
    assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb");
  }

  /**
   * Another tool's filter (prio 5) sends traffic to vm1's class 1:3. stop refuses that cleanly,
   * naming the filter; unplug of vm1 must be refused the same way: exit 3, one line naming the
   * filter, nothing changed.
   *
   * <p>Observed: exit 1 and the raw kernel error "unplug of 'vm1' … failed and was rolled back:
   * delete class htb 1:3 …: EBUSY (the object is in use): kernel: "HTB class in use"", which names
   * neither the filter nor a way out. Every plug, update and reconcile fails the same way while a
   * foreign filter points at a class under 1: that the status does not know (e.g. a class 1:99 the
   * tool added under 1:1).
   */
  @Test
  void unplugOfAClassAnotherToolsFilterUsesIsRefusedNamingTheFilter() {
    ok(start("t", "a"));
    ok(cli("t", "a", "plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor", "10mbit"));
    ns.tc("filter", "add", "dev", "br0", "parent", "1:", "protocol", "ipv6", "prio", "5", "u32",
        "match", "u32", "0", "0", "flowid", "1:3");
    String before = ns.tc("-j", "filter", "show", "dev", "br0") + ns.tc("class", "show", "dev",
        "br0");

    Run unplug = cli("t", "a", "unplug", "vm1");
    assertThat(unplug.exit()).as("stderr: %s", unplug.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(unplug.err().lines().toList()).hasSize(1);
    assertThat(unplug.err()).contains("prio 5", "flowid 1:3");
    assertThat(ns.tc("-j", "filter", "show", "dev", "br0") + ns.tc("class", "show", "dev", "br0"))
        .isEqualTo(before);
  }

  /**
   * A clsact qdisc with one filter on the tap: plug --device is refused (right), but the message
   * must describe it as the kernel holds it (1 filter) and name a command that removes it.
   *
   * <p>Observed: "device vnet1 already holds qdisc clsact ffff: that NetFloor did not make (0
   * classes, 0 filters) … Remove it (tc qdisc del dev vnet1 ingress)"; that command fails on a
   * clsact ("Error: Invalid qdisc name: must match existing qdisc."), and the filter is not counted
   * (clsact's filters hang under ffff:fff2/ffff:fff3, not ffff:).
   */
  @Test
  void aClsactOnTheDeviceIsRefusedWithItsFilterCountAndAWorkingCommand() {
    ok(start("t", "a"));
    ns.tc("qdisc", "add", "dev", "vnet1", "clsact");
    ns.tc("filter", "add", "dev", "vnet1", "ingress", "protocol", "all", "prio", "1", "u32",
        "match", "u32", "0", "0", "action", "mirred", "egress", "mirror", "dev", "br0");

    Run plug = cli("t", "a", "plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor", "10mbit",
        "--device", "vnet1", "--average", "50mbit", "--outbound-average", "20mbit");
    assertThat(plug.exit()).as("stderr: %s", plug.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(plug.err()).contains("clsact");
    assertThat(plug.err()).as("filter count").contains("1 filters");
    assertThat(plug.err()).as("a command that works on a clsact")
        .contains("tc qdisc del dev vnet1 clsact");
  }

  /**
   * Network A plugs vm1 and is then replaced on br0 by network B ({@code start --replace}). A's
   * stop must not report that it removed a tree from br0 it left in place (B's, correctly kept).
   *
   * <p>Observed: "Stopped network 'A': removed NetFloor's tree from br0", exit 0, while br0 still
   * holds B's whole tree. The same message comes when A's own mark was rewritten to another name:
   * then A's classes and filters stay on br0 for ever, the network is forgotten, and the user was
   * told they were removed.
   */
  @Test
  void stopDoesNotClaimToRemoveATreeItLeaves() {
    ok(start("A", "a"));
    ok(cli("A", "a", "plug", "vm1", "--mac", "52:54:00:00:00:01", "--floor", "10mbit"));
    ok(start("B", "b", "--replace"));
    ok(cli("B", "b", "plug", "vm2", "--mac", "52:54:00:00:00:02", "--floor", "10mbit"));
    String before = ns.tc("class", "show", "dev", "br0");

    Run stop = ok(cli("A", "a", "stop"));
    assertThat(ns.tc("class", "show", "dev", "br0")).as("B's tree").isEqualTo(before);
    assertThat(stop.out()).doesNotContain("removed NetFloor's tree from br0");
    ok(cli("B", "b", "stop"));
  }
}
