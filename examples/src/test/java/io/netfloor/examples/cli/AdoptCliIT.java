// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TrafficMatch;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.LibvirtStatusImport;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.shaping.NetworkShaper;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netfloor adopt} against the real kernel: a bridge in a throwaway namespace is shaped with
 * libvirt's own tc commands (network start, then two guests plugged with class ids 3 and 12) and
 * described by libvirt's status files; after the adoption the kernel still holds libvirt's classes
 * and filters (checked with {@code tc}, independent of NetFloor's netlink code), and every other
 * command works on the network. A network adopted by a program through the library is visible to
 * {@code status} and {@code tree}.
 *
 * <p>Handle assertions are limited to ids below 10: for 10 and up, libvirt prints {@code 800+id}
 * in decimal where NetFloor's linear handle formula may differ, so for id 12 the test only checks
 * that its class is kept and a filter steers its MAC there.
 */
class AdoptCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MAC3 = "52:54:00:12:34:56";
  private static final String MAC12 = "52:54:00:ab:cd:0c";
  private static final String MAC_NO_FLOOR = "52:54:00:00:00:09";
  private static final String PORT3 = "aaaaaaaa-0000-4000-8000-000000000003";
  private static final String PORT12 = "aaaaaaaa-0000-4000-8000-000000000012";
  private static final String PORT_NO_FLOOR = "aaaaaaaa-0000-4000-8000-000000000009";

  @TempDir
  Path tmp;

  private TestNamespace ns;
  private Path state;
  private Path run;
  private Path qemu;
  /** libvirt's sfq where this kernel has it, else pfifo (tc would refuse sfq). */
  private String leaf;

  @BeforeEach
  void setUp() {
    ns = TestNamespace.withBridge();
    ns.veth("br0", "vnet1", "vnet1p");
    state = tmp.resolve("state");
    run = tmp.resolve("run/libvirt/network");
    qemu = tmp.resolve("run/libvirt/qemu");
  }

  @AfterEach
  void tearDown() {
    if (ns != null) {
      ns.close();
    }
  }

  private static Run cli(String... args) {
    return Run.of(args);
  }

  /** A network command with the test's state directory (and namespace, for adopt/status/tree). */
  private Run net(String network, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--network", network, "--state-dir", state.toString()));
    return cli(all.toArray(String[]::new));
  }

  private static Run ok(Run r) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
    return r;
  }

  // ------------------------------------------------------------------ libvirt's tree and files

  /**
   * libvirt's commands for network start (inbound average 12500, peak 25000 kB/s) and the plugs of
   * two floor-only guests, ids 3 (floor 2500 kB/s) and 12 (1250 kB/s), in libvirt's order: class,
   * leaf, filter, then the default class re-rated to peak − floor sum. The vestigial fw filter is
   * left out (this kernel may lack the fw classifier; NetFloor leaves other prios alone anyway).
   */
  private void shapeLikeLibvirt() {
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "1:", "htb", "default", "2");
    ns.tc("class", "add", "dev", "br0", "parent", "1:", "classid", "1:1", "htb", "rate",
        "12500kbps", "ceil", "25000kbps", "quantum", "1066");
    ns.tc("class", "add", "dev", "br0", "parent", "1:1", "classid", "1:2", "htb", "rate",
        "12500kbps", "ceil", "25000kbps", "quantum", "1066");
    try {
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:2", "handle", "2:", "sfq", "perturb", "10");
      leaf = "sfq";
    } catch (IllegalStateException noSfq) {
      leaf = "pfifo";
      leafQdisc(2);
    }
    plug(3, MAC3, "2500kbps");
    ns.tc("class", "change", "dev", "br0", "classid", "1:2", "htb", "rate", "22500kbps", "ceil",
        "25000kbps", "quantum", "1066");
    plug(12, MAC12, "1250kbps");
    ns.tc("class", "change", "dev", "br0", "classid", "1:2", "htb", "rate", "21250kbps", "ceil",
        "25000kbps", "quantum", "1066");
  }

  private void leafQdisc(int id) {
    String hex = Integer.toHexString(id);
    if (leaf.equals("sfq")) {
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:" + hex, "handle", hex + ":", "sfq",
          "perturb", "10");
    } else {
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:" + hex, "handle", hex + ":", "pfifo",
          "limit", "1000");
    }
  }

  /** libvirt's plug: {@code 1:%x}, leaf {@code %x:}, filter {@code 800::%u} of 800+id. */
  private void plug(int id, String mac, String floor) {
    String hex = Integer.toHexString(id);
    String[] b = mac.split(":");
    ns.tc("class", "add", "dev", "br0", "parent", "1:1", "classid", "1:" + hex, "htb", "rate", floor,
        "ceil", "25000kbps", "quantum", "1");
    leafQdisc(id);
    ns.tc("filter", "add", "dev", "br0", "protocol", "ip", "prio", "2", "handle",
        "800::" + (800 + id), "u32", "match", "u16", "0x0800", "0xffff", "at", "-2", "match", "u32",
        "0x" + b[2] + b[3] + b[4] + b[5], "0xffffffff", "at", "-12", "match", "u16",
        "0x" + b[0] + b[1], "0xffff", "at", "-14", "flowid", "1:" + hex);
  }

  /** libvirt's status files: the network's, a domain's (ids 3 and none), a port's (id 12). */
  private Path writeLibvirtStatus(String name) throws IOException {
    Files.createDirectories(run.resolve(name).resolve("ports"));
    Files.createDirectories(qemu);
    Path status = run.resolve(name + ".xml");
    Files.writeString(status, AdoptCommandTest.networkStatus(name, "0-3,12", 3750,
        AdoptCommandTest.NET_BW));
    Files.writeString(qemu.resolve("vm1.xml"), """
        <domstatus state='running' reason='booted' pid='4242'>
          <domain type='kvm' id='1'>
            <name>vm1</name>
            <uuid>11111111-2222-3333-4444-555555555555</uuid>
            <devices>
              <interface type='network'>
                <mac address='%s'/>
                <source network='%s' portid='%s' bridge='br0'/>
                <actual type='network'><source bridge='br0'/><class id='3'/>
                  <bandwidth><inbound floor='2500'/></bandwidth></actual>
                <target dev='vnet0'/>
              </interface>
              <interface type='network'>
                <mac address='%s'/>
                <source network='%s' portid='%s' bridge='br0'/>
                <actual type='network'><source bridge='br0'/>
                  <bandwidth><inbound average='1000'/></bandwidth></actual>
              </interface>
            </devices>
          </domain>
        </domstatus>
        """.formatted(MAC3, name, PORT3, MAC_NO_FLOOR, name, PORT_NO_FLOOR));
    Files.writeString(run.resolve(name).resolve("ports").resolve(PORT12 + ".xml"),
        AdoptCommandTest.portStatus(PORT12, MAC12, 12, "<inbound floor='1250'/>"));
    return status;
  }

  // ------------------------------------------------------------------ the kernel, through tc

  /** Class id → "rate ceil" as {@code tc class show} prints them (tc -j has no HTB class JSON). */
  private Map<String, String> classes() {
    Map<String, String> out = new TreeMap<>();
    Matcher m = Pattern.compile("class htb (\\S+) .*?rate (\\S+) ceil (\\S+)")
        .matcher(ns.tc("class", "show", "dev", "br0"));
    while (m.find()) {
      out.put(m.group(1), m.group(2) + " " + m.group(3));
    }
    return out;
  }

  /** Filter node handle → "protocol flowid", from {@code tc -j filter show}. */
  private Map<String, String> filters() {
    Map<String, String> out = new TreeMap<>();
    try {
      for (JsonNode f : JSON.readTree(ns.tc("-j", "filter", "show", "dev", "br0"))) {
        JsonNode o = f.get("options");
        if (o != null && o.has("flowid")) {
          out.put(o.get("fh").asText(), f.get("protocol").asText() + " "
              + o.get("flowid").asText());
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  // ------------------------------------------------------------------ tests

  @Test
  void adoptsALibvirtTreeKeepingItsClassesAndFiltersThenEveryCommandWorksOnIt()
      throws IOException {
    shapeLikeLibvirt();
    Path status = writeLibvirtStatus("lab net");
    Map<String, String> libvirtClasses = classes();
    Map<String, String> libvirtFilters = filters();
    assertThat(libvirtClasses).containsOnlyKeys("1:1", "1:2", "1:3", "1:c");
    assertThat(libvirtFilters).containsEntry("800::803", "ip 1:3")
        .containsEntry("800::812", "ip 1:c");

    JsonNode adopted = ok(cli("adopt", status.toString(), "--domains", qemu.toString(),
        "--netns", ns.name(), "--state-dir", state.toString(), "--leaf", leaf, "--json")).json();
    String name = LibvirtStatusImport.deriveNetworkName("lab net").value();
    assertThat(adopted.get("network").asText()).isEqualTo(name);
    assertThat(adopted.get("libvirtNetwork").asText()).isEqualTo("lab net");
    assertThat(adopted.get("leafQdisc").asText()).isEqualTo(leaf);
    assertThat(adopted.get("warnings")).singleElement().asString()
        .contains("'lab net'", "imported as '" + name + "'");
    List<String> aliases = new ArrayList<>();
    adopted.get("interfaces").forEach(i -> aliases.add(i.get("alias").asText() + " "
        + i.get("class").asText()));
    assertThat(aliases).containsExactly(PORT_NO_FLOOR + " 1:2", PORT3 + " 1:3", PORT12 + " 1:c");
    List<String> repairs = new ArrayList<>();
    adopted.get("repairs").forEach(r -> repairs.add(r.get("tc").asText()));
    // libvirt's classes are changed in place (quantum, the default class's rate), never replaced;
    // the filter of id 3 is not touched at all; the one addition is NetFloor's ownership mark
    assertThat(repairs).filteredOn(r -> r.contains("NetFloor mark")).singleElement()
        .satisfies(r -> assertThat(r).startsWith("add filter u32 7fe::1"));
    assertThat(repairs).filteredOn(r -> !r.contains("NetFloor mark"))
        .noneMatch(r -> r.matches("(add|delete) class.*"))
        .noneMatch(r -> r.contains("800::803")).noneMatch(r -> r.contains("qdisc"));

    Map<String, String> after = classes();
    assertThat(after.keySet()).isEqualTo(libvirtClasses.keySet());
    assertThat(after.get("1:3")).startsWith("20Mbit "); // the floor, as libvirt set it
    assertThat(after.get("1:c")).startsWith("10Mbit ");
    Map<String, String> filtersAfter = filters();
    assertThat(filtersAfter).containsEntry("800::803", "ip 1:3");
    assertThat(filtersAfter.values()).containsOnlyOnce("ip 1:c").hasSize(2);
    assertThat(Files.exists(state.resolve("networks").resolve(name + ".json"))).isTrue();

    // status sees the network with its rules; nothing is missing in the kernel
    JsonNode st = ok(net(name, "status", "--json")).json();
    assertThat(st.get("managedBy").asText()).isEqualTo("netfloor");
    assertThat(st.get("layout").asText()).isEqualTo("libvirt");
    assertThat(st.get("ethertypes").asText()).isEqualTo("ipv4");
    assertThat(st.get("admission").asText()).isEqualTo("peak");
    assertThat(st.get("capacityBitsPerSecond").asLong()).isEqualTo(200_000_000L);
    assertThat(st.get("floorSumBitsPerSecond").asLong()).isEqualTo(30_000_000L);
    assertThat(st.get("interfaces")).hasSize(3)
        .allMatch(i -> i.get("inKernel").asBoolean());
    assertThat(ok(net(name, "tree", "--interval", "0")).out()).contains(PORT3 + " " + MAC3)
        .contains(PORT12 + " " + MAC12).contains("default: " + PORT_NO_FLOOR);
    JsonNode reconciled = ok(net(name, "reconcile", "--json")).json();
    assertThat(reconciled.get("clean").asBoolean()).as("%s", reconciled).isTrue();

    // plug: the lowest id libvirt's bitmap left free, an IPv4-only filter, and libvirt's admission
    // (30 + 150 Mbit/s fit the 200 Mbit/s peak, not the 100 Mbit/s average)
    JsonNode plugged = ok(net(name, "plug", "vm3-net0", "--mac", "52:54:00:00:00:0a", "--floor",
        "150mbit", "--json")).json();
    assertThat(plugged.get("class").asText()).isEqualTo("1:4");
    assertThat(classes().get("1:4")).startsWith("150Mbit ");
    assertThat(filters()).containsEntry("800::804", "ip 1:4");
    Run refused = net(name, "plug", "vm4-net0", "--mac", "52:54:00:00:00:0b", "--floor", "30mbit");
    assertThat(refused.exit()).isEqualTo(ExitCodes.REFUSED);

    assertThat(ok(net(name, "update", PORT12, "--floor", "15mbit", "--json")).json()
        .get("class").asText()).isEqualTo("1:c");
    assertThat(classes().get("1:c")).startsWith("15Mbit ");

    // unplug a guest libvirt plugged: its class and libvirt's filter go
    ok(net(name, "unplug", PORT3));
    assertThat(classes()).doesNotContainKey("1:3");
    assertThat(filters()).doesNotContainKey("800::803");

    assertThat(ok(net(name, "stop")).out()).contains("Stopped network '" + name + "'");
    // the root qdisc was libvirt's: it stays, bare; every class and filter NetFloor took over goes
    assertThat(ns.tc("qdisc", "show", "dev", "br0")).contains("qdisc htb 1: root");
    assertThat(classes()).isEmpty();
    assertThat(filters()).isEmpty();
    assertThat(Files.exists(state.resolve("networks").resolve(name + ".json"))).isFalse();
  }

  @Test
  void adoptingAgainIsRefusedAndAFailedAdoptionLeavesNothingBehind() throws IOException {
    Path status = writeLibvirtStatus("default");
    // no libvirt tree on the bridge but a foreign root qdisc: the adoption is refused, and undone
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "5:", "tbf", "rate", "1mbit", "burst",
        "32kb", "latency", "50ms");
    Run failed = net("default", "adopt", status.toString(), "--domains", qemu.toString(), "--netns",
        ns.name());
    assertThat(failed.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(failed.err()).contains("br0", "tbf 5:");
    assertThat(Files.exists(state.resolve("networks/default.json"))).isFalse();
    assertThat(net("default", "status").err()).contains("network 'default' is not started");
    ns.tc("qdisc", "del", "dev", "br0", "root");

    shapeLikeLibvirt();
    ok(net("default", "adopt", status.toString(), "--domains", qemu.toString(), "--netns", ns.name(),
        "--leaf", leaf));
    Run again = net("default", "adopt", status.toString(), "--domains", qemu.toString(),
        "--netns", ns.name(), "--leaf", leaf);
    assertThat(again.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(again.err()).contains("already adopted", "netfloor reconcile --network default");
    Run other = net("default", "start", "--bridge", "br0", "--average", "100mbit", "--netns",
        ns.name());
    assertThat(other.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(other.err()).contains("already started", "adopted from");
    ok(net("default", "stop"));
  }

  @Test
  void aNetworkAdoptedThroughTheLibraryIsShownByStatusAndTreeAndCanBeTakenOverByStart()
      throws IOException {
    shapeLikeLibvirt();
    Path status = writeLibvirtStatus("default");
    // an embedding program adopts it, sharing the state directory's status store
    List<Path> files = new ArrayList<>(List.of(qemu.resolve("vm1.xml"),
        run.resolve("default/ports/" + PORT12 + ".xml")));
    LibvirtStatusImport.Result imported = LibvirtStatusImport.fromFiles(status, files);
    NetworkConfig config = NetworkConfig.builder("default", "br0")
        .inbound(Limits.builder().average(Rate.parse("100mbit")).peak(Rate.parse("200mbit"))
            .build())
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).trafficMatch(TrafficMatch.IPV4_ONLY)
        .admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT)
        .leafQdisc(LeafQdiscKind.fromKernelName(leaf)).build();
    Files.createDirectories(state);
    Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions
        .fromString("rwx------"));
    try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
        FileStatusStore store = FileStatusStore.open(state.resolve("status"))) {
      // as the CLI does: no parked pool, whose top-ups would outlive this block
      NetworkShaper.create(config, tc, store, Session.SHAPER_OPTIONS)
          .adopt(imported.fitTo(config).status());
    }
    Map<String, String> adoptedClasses = classes();

    String text = ok(net("default", "status", "--netns", ns.name())).out();
    assertThat(text).contains("Network 'default': adopted through the library, config unknown")
        .contains("bridge br0 in netns " + ns.name()).contains("layout libvirt (from its filters)")
        .contains("Floors: 30mbit allotted; capacity unknown (class 1:1 in the kernel: rate"
            + " 100mbit, ceil 200mbit); 3 interface(s)")
        .contains(PORT3).contains(PORT12).contains(PORT_NO_FLOOR)
        .contains("netfloor start --network default --bridge br0 --average RATE --layout libvirt"
            + " --netns " + ns.name());
    JsonNode json = ok(net("default", "status", "--netns", ns.name(), "--json")).json();
    assertThat(json.get("managedBy").asText()).isEqualTo("library");
    assertThat(json.get("configKnown").asBoolean()).isFalse();
    assertThat(json.get("capacityBitsPerSecond").isNull()).isTrue();
    assertThat(json.get("kernelTopClass").get("ceilBitsPerSecond").asLong())
        .isEqualTo(200_000_000L);
    assertThat(json.get("interfaces")).hasSize(3).allMatch(i -> i.get("inKernel").asBoolean());
    List<String> tree = ok(net("default", "tree", "--interval", "0", "--netns", ns.name())).out()
        .lines().toList();
    assertThat(tree.get(0)).contains("network 'default', layout libvirt, adopted through the"
        + " library, config unknown");
    assertThat(String.join("\n", tree)).contains(PORT3 + " " + MAC3).contains(PORT12 + " " + MAC12)
        .doesNotContain("MISSING");

    Run plug = net("default", "plug", "vm9", "--mac", "52:54:00:00:00:99", "--netns", ns.name());
    assertThat(plug.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(plug.err()).contains("adopted through the library, config unknown",
        "'plug' cannot change it");

    // 'start' with the program's config brings it under the CLI and keeps its interfaces
    ok(net("default", "start", "--bridge", "br0", "--average", "100mbit", "--peak", "200mbit",
        "--layout", "libvirt", "--ethertypes", "ipv4", "--admission", "peak", "--leaf", leaf,
        "--netns", ns.name()));
    JsonNode managed = ok(net("default", "status", "--json")).json();
    assertThat(managed.get("managedBy").asText()).isEqualTo("netfloor");
    assertThat(managed.get("interfaces")).hasSize(3);
    assertThat(classes()).isEqualTo(adoptedClasses);
    ok(net("default", "stop"));
  }
}
