// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfloor.testkit.kernel.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every subcommand of the CLI against a bridge in a throwaway namespace, checked with {@code tc}
 * (independent of NetFloor's netlink code); {@code --json} output parsed; bad input gives a non-zero
 * exit code and one clear line on stderr.
 */
class NetFloorCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MAC1 = "52:54:00:00:00:01";
  private static final String MAC2 = "52:54:00:00:00:02";

  @TempDir
  Path tmp;

  private TestNamespace ns;
  private Path state;

  @BeforeEach
  void setUp() {
    ns = TestNamespace.withBridge();
    ns.veth("br0", "vnet1", "vnet1p");
    state = tmp.resolve("state");
  }

  @AfterEach
  void tearDown() {
    if (ns != null) {
      ns.close();
    }
  }

  private Run cli(String... args) {
    return Run.of(args);
  }

  /** Runs a network command on network 't' with the test's namespace and state directory. */
  private Run net(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--network", "t", "--state-dir", state.toString()));
    return cli(all.toArray(String[]::new));
  }

  private Run ok(Run r) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
    return r;
  }

  private void start() {
    ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()));
  }

  /** The rate of class {@code classId} as tc prints it ("20Mbit"), or null when absent. */
  private String tcClassRate(String classId) {
    Matcher m = Pattern.compile("class htb " + Pattern.quote(classId) + " .*?rate (\\S+)")
        .matcher(ns.tc("class", "show", "dev", "br0"));
    return m.find() ? m.group(1) : null;
  }

  @Test
  void lifeCycleWithJsonOutput() throws IOException {
    JsonNode started = ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns",
        ns.name(), "--layout", "libvirt", "--json")).json();
    assertThat(started.get("network").asText()).isEqualTo("t");
    assertThat(started.get("layout").asText()).isEqualTo("libvirt");
    assertThat(started.get("averageBitsPerSecond").asLong()).isEqualTo(100_000_000L);
    assertThat(started.get("built").size()).isGreaterThanOrEqualTo(3); // a first start builds
    assertThat(started.get("repairs").size()).isZero(); // and repairs nothing
    assertThat(ns.tc("-j", "qdisc", "show", "dev", "br0")).contains("\"kind\":\"htb\"")
        .contains("\"handle\":\"1:\"");
    assertThat(tcClassRate("1:1")).isEqualTo("100Mbit");
    assertThat(Files.exists(state.resolve("networks/t.json"))).isTrue();

    JsonNode plugged = ok(net("plug", "vm1-eth0", "--mac", MAC1, "--floor", "20mbit", "--json"))
        .json();
    assertThat(plugged.get("class").asText()).isEqualTo("1:3");
    assertThat(plugged.get("floorBitsPerSecond").asLong()).isEqualTo(20_000_000L);
    assertThat(tcClassRate("1:3")).isEqualTo("20Mbit");
    assertThat(tcClassRate("1:2")).isEqualTo("80Mbit");
    assertThat(ns.tc("filter", "show", "dev", "br0")).contains("flowid 1:3");

    JsonNode noFloor = ok(net("plug", "vm2-eth0", "--mac", MAC2, "--device", "vnet1",
        "--outbound-average", "5mbit", "--json")).json();
    assertThat(noFloor.get("class").asText()).isEqualTo("1:2");
    assertThat(noFloor.get("device").asText()).isEqualTo("vnet1");
    // its outbound limit is enforced on its device's ingress (police, or an ifb redirect)
    assertThat(ns.tc("qdisc", "show", "dev", "vnet1")).contains("ingress");
    assertThat(ns.tc("filter", "show", "dev", "vnet1", "ingress")).containsPattern("police|mirred");

    JsonNode updated = ok(net("update", "vm1-eth0", "--floor", "40mbit", "--json")).json();
    assertThat(updated.get("floorBitsPerSecond").asLong()).isEqualTo(40_000_000L);
    assertThat(updated.get("previousFloorBitsPerSecond").asLong()).isEqualTo(20_000_000L);
    assertThat(tcClassRate("1:3")).isEqualTo("40Mbit");
    assertThat(tcClassRate("1:2")).isEqualTo("60Mbit");

    JsonNode status = ok(net("status", "--json")).json();
    assertThat(status.get("netns").asText()).isEqualTo(ns.name());
    assertThat(status.get("capacityBitsPerSecond").asLong()).isEqualTo(100_000_000L);
    assertThat(status.get("floorSumBitsPerSecond").asLong()).isEqualTo(40_000_000L);
    assertThat(status.get("interfaces")).hasSize(2);
    JsonNode vm1 = status.get("interfaces").get(0);
    assertThat(vm1.get("alias").asText()).isEqualTo("vm1-eth0");
    assertThat(vm1.get("mac").asText()).isEqualTo(MAC1);
    assertThat(vm1.get("class").asText()).isEqualTo("1:3");
    assertThat(vm1.get("ceilBitsPerSecond").asLong()).isEqualTo(100_000_000L);
    assertThat(vm1.get("inKernel").asBoolean()).isTrue();
    assertThat(status.get("interfaces").get(1).get("device").asText()).isEqualTo("vnet1");

    JsonNode tree = ok(net("tree", "--interval", "0", "--json")).json();
    List<String> classes = new ArrayList<>();
    tree.get("classes").forEach(c -> classes.add(c.get("class").asText() + " "
        + c.get("label").asText()));
    assertThat(classes).containsExactly("1:1 network t", "1:2 default: vm2-eth0",
        "1:3 vm1-eth0 " + MAC1);
    assertThat(tree.get("classes").get(2).get("rateBitsPerSecond").asLong())
        .isEqualTo(40_000_000L);
    assertThat(tree.get("missing")).isEmpty();

    // a change behind NetFloor's back: reconcile puts the recorded floor back
    ns.tc("class", "change", "dev", "br0", "parent", "1:1", "classid", "1:3", "htb", "rate",
        "7mbit", "ceil", "100mbit");
    assertThat(tcClassRate("1:3")).isEqualTo("7Mbit");
    JsonNode repaired = ok(net("reconcile", "--json")).json();
    assertThat(repaired.get("clean").asBoolean()).isFalse();
    assertThat(repaired.get("repairs").toString()).contains("1:3");
    assertThat(tcClassRate("1:3")).isEqualTo("40Mbit");
    assertThat(ok(net("reconcile", "--json")).json().get("clean").asBoolean()).isTrue();

    JsonNode unplugged = ok(net("unplug", "vm1-eth0", "--json")).json();
    assertThat(unplugged.get("unplugged").asBoolean()).isTrue();
    assertThat(tcClassRate("1:3")).isNull();
    assertThat(tcClassRate("1:2")).isEqualTo("100Mbit");

    JsonNode stopped = ok(net("stop", "--json")).json();
    assertThat(stopped.get("stopped").asBoolean()).isTrue();
    assertThat(ns.tc("-j", "qdisc", "show", "dev", "br0")).doesNotContain("\"htb\"");
    assertThat(Files.exists(state.resolve("networks/t.json"))).isFalse();
    Run after = net("status");
    assertThat(after.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(after.err()).contains("network 't' is not started");
  }

  @Test
  void humanReadableOutput() {
    Run started = ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()));
    assertThat(started.out()).contains("Started network 't'").contains("bridge br0 in netns "
        + ns.name()).contains("inbound 100mbit").contains("layout hashed");
    assertThat(ok(net("start", "--bridge", "br0", "--average", "100mbit", "--netns", ns.name()))
        .out()).contains("Re-started network 't'");
    assertThat(ok(net("plug", "vm1-eth0", "--mac", MAC1, "--floor", "60mbit", "--peak", "80mbit",
        "--average", "70mbit")).out())
        .isEqualTo("Plugged vm1-eth0 (" + MAC1 + ") into network 't': class 1:3, floor 60mbit"
            + System.lineSeparator());
    assertThat(tcClassRate("1:3")).isEqualTo("60Mbit");
    assertThat(ns.tc("class", "show", "dev", "br0")).containsPattern(
        "class htb 1:3 .*ceil 80Mbit");
    assertThat(ok(net("update", "vm1-eth0", "--no-floor")).out())
        .contains("Updated vm1-eth0 on network 't': class 1:2, no floor (was floor 60mbit)");
    assertThat(tcClassRate("1:3")).isNull();
    ok(net("update", "vm1-eth0", "--floor", "30mbit"));

    String status = ok(net("status")).out();
    assertThat(status).contains("Floors: 30mbit of 100mbit allotted, 70mbit free; 1 interface(s)")
        .containsPattern("vm1-eth0\\s+52:54:00:00:00:01\\s+1:\\w+\\s+30mbit\\s+80mbit");

    List<String> tree = ok(net("tree", "--interval", "0.2")).out().lines().toList();
    assertThat(tree.get(0)).startsWith("br0  qdisc htb 1: default 2");
    assertThat(tree.get(1)).contains("CLASS").contains("RATE/FLOOR").contains("NOW")
        .contains("DROPS").contains("BORROWED");
    assertThat(tree.get(2)).startsWith("└─ 1:1").contains("network t").contains("100mbit");
    assertThat(tree.get(3)).startsWith("   ├─ 1:2").contains("default").contains("70mbit");
    assertThat(tree.get(4)).startsWith("   └─ 1:").contains("vm1-eth0 " + MAC1)
        .contains("30mbit").contains("80mbit").contains("bit/s");

    String watched = ok(net("tree", "--watch", "--count", "3", "--interval", "0.1")).out();
    assertThat(watched.lines().filter(l -> l.startsWith("br0  qdisc htb 1:"))).hasSize(3);

    assertThat(ok(net("reconcile")).out())
        .contains("the kernel already matched the status; nothing to repair");
    assertThat(ok(net("unplug", "vm1-eth0")).out()).contains("Unplugged vm1-eth0");
    assertThat(ok(net("stop")).out()).contains("Stopped network 't': removed its tree from br0");
  }

  @Test
  void libvirtsFilterMatchAndAdmissionRuleAreRememberedByStart() throws IOException {
    JsonNode started = ok(net("start", "--bridge", "br0", "--average", "100mbit", "--peak",
        "200mbit", "--netns", ns.name(), "--ethertypes", "ipv4", "--admission", "peak", "--json"))
        .json();
    assertThat(started.get("ethertypes").asText()).isEqualTo("ipv4");
    assertThat(started.get("admission").asText()).isEqualTo("peak");
    // later commands build the network from the record: 150 Mbit/s of floors fit the 200 Mbit/s
    // peak (libvirt's rule), and the filter steers IPv4 only (libvirt's protocol ip)
    ok(net("plug", "vm1-eth0", "--mac", MAC1, "--floor", "150mbit"));
    assertThat(tcClassRate("1:3")).isEqualTo("150Mbit");
    JsonNode filter = null;
    for (JsonNode f : JSON.readTree(ns.tc("-j", "filter", "show", "dev", "br0"))) {
      if (f.has("options") && f.get("options").has("flowid")) {
        filter = f;
      }
    }
    assertThat(filter).isNotNull();
    assertThat(filter.get("protocol").asText()).isEqualTo("ip");
    assertThat(filter.get("options").get("flowid").asText()).isEqualTo("1:3");
    assertRefused(net("plug", "vm2-eth0", "--mac", MAC2, "--floor", "60mbit"), ExitCodes.REFUSED,
        "vm2-eth0", "60mbit");
    JsonNode status = ok(net("status", "--json")).json();
    assertThat(status.get("ethertypes").asText()).isEqualTo("ipv4");
    assertThat(status.get("admission").asText()).isEqualTo("peak");
    assertThat(status.get("capacityBitsPerSecond").asLong()).isEqualTo(200_000_000L);
    assertThat(ok(net("status")).out()).contains("ethertypes ipv4, admission peak");
    // the same start again is a re-start; other rules are another network
    assertThat(ok(net("start", "--bridge", "br0", "--average", "100mbit", "--peak", "200mbit",
        "--netns", ns.name(), "--ethertypes", "ipv4", "--admission", "peak")).out())
        .contains("Re-started");
    assertRefused(net("start", "--bridge", "br0", "--average", "100mbit", "--peak", "200mbit",
        "--netns", ns.name()), ExitCodes.REFUSED, "already started", "ethertypes ipv4");
    ok(net("stop"));
  }

  @Test
  void badInputIsRefusedWithOneLineAndNonZeroExit() {
    start();
    ok(net("plug", "vm1-eth0", "--mac", MAC1, "--floor", "60mbit"));

    assertRefused(net("plug", "vm2-eth0", "--mac", MAC2, "--floor", "abc"), ExitCodes.USAGE,
        "Invalid value for option '--floor'", "rate 'abc' does not start with a number");
    assertRefused(net("plug", "vm2-eth0", "--mac", "52:54:00:zz:00:02", "--floor", "1mbit"),
        ExitCodes.USAGE, "--mac", "52:54:00:zz:00:02");
    assertRefused(net("plug", "vm2-eth0", "--floor", "1mbit"), ExitCodes.USAGE,
        "Missing required option: '--mac=MAC'");
    assertRefused(net("plug", "vm2-eth0", "--mac", MAC2, "--floor", "50mbit"), ExitCodes.REFUSED,
        "vm2-eth0", "50mbit", "60mbit");
    assertRefused(net("plug", "vm2-eth0", "--mac", MAC1, "--floor", "1mbit"), ExitCodes.REFUSED,
        MAC1);
    assertRefused(net("plug", "bad alias!", "--mac", MAC2), ExitCodes.USAGE, "alias");
    assertRefused(net("plug", "vm2-eth0", "--mac", MAC2, "--floor", "20mbit", "--average",
        "10mbit"), ExitCodes.USAGE, "floor 20mbit exceeds ceiling 10mbit");
    assertRefused(net("plug", "vm2-eth0", "--mac", MAC2, "--device", "nosuchdev0"),
        ExitCodes.FAILED, "nosuchdev0", "does not exist");
    assertRefused(net("update", "vm1-eth0", "--floor", "200mbit"), ExitCodes.REFUSED, "200mbit");
    assertRefused(net("update", "vm1-eth0"), ExitCodes.USAGE, "nothing to update");
    assertRefused(net("update", "ghost", "--floor", "1mbit"), ExitCodes.REFUSED, "ghost");
    assertRefused(net("unplug", "ghost"), ExitCodes.REFUSED,
        "no interface 'ghost' is plugged into network 't'");
    assertRefused(net("tree", "--interval", "-1"), ExitCodes.USAGE, "--interval");
    assertRefused(net("start", "--bridge", "br0", "--average", "200mbit", "--netns", ns.name()),
        ExitCodes.REFUSED, "already started", "netfloor stop");
    assertThat(tcClassRate("1:3")).as("nothing changed by the refusals").isEqualTo("60Mbit");
    assertThat(tcClassRate("1:1")).isEqualTo("100Mbit");

    Path other = tmp.resolve("other");
    assertRefused(cli("start", "--network", "u", "--state-dir", other.toString(), "--bridge",
        "nosuchbr", "--average", "10mbit", "--netns", ns.name()), ExitCodes.FAILED, "nosuchbr",
        "does not exist");
    assertRefused(cli("start", "--network", "u", "--state-dir", other.toString(), "--bridge",
        "br0", "--average", "10mbit", "--netns", "nf-no-such-ns-x"), ExitCodes.FAILED,
        "nf-no-such-ns-x");
    assertRefused(cli("start", "--network", "u", "--state-dir", other.toString(), "--bridge",
        "br0", "--average", "10mbit", "--layout", "fancy"), ExitCodes.USAGE, "fancy");
    assertRefused(cli("start", "--network", "bad/name", "--state-dir", other.toString(),
        "--bridge", "br0", "--average", "10mbit"), ExitCodes.USAGE, "bad/name");
    assertRefused(cli("status", "--network", "u", "--state-dir", other.toString()),
        ExitCodes.FAILED, "network 'u' is not started");
    assertRefused(cli("frobnicate"), ExitCodes.USAGE, "frobnicate");
    assertRefused(cli(), ExitCodes.USAGE, "missing command");
    assertRefused(cli("demo", "--seconds", "1"), ExitCodes.USAGE, "--seconds");
  }

  private static void assertRefused(Run r, int exit, String... fragments) {
    assertThat(r.exit()).as("exit code of a refused command; stderr: %s", r.err()).isEqualTo(exit);
    assertThat(r.err().lines().toList()).as("stderr is one line").hasSize(1);
    assertThat(r.err()).startsWith("netfloor: ").doesNotContain("\tat ").contains(fragments);
  }
}
