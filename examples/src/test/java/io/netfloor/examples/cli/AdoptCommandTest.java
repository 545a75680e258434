// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.LibvirtStatusImport;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.model.Bandwidth;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netfloor adopt} without a kernel: option parsing, which files it reads, the warnings it
 * prints, and every refusal that comes before the kernel is touched ({@code --dry-run} reads and
 * checks everything but changes nothing).
 */
class AdoptCommandTest {

  @TempDir
  Path tmp;

  private Path libvirt;
  private Path state;

  private static Run cli(String... args) {
    return Run.of(args);
  }

  private Run adopt(String... args) {
    List<String> all = new ArrayList<>(List.of("adopt"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state-dir", state.toString()));
    return cli(all.toArray(String[]::new));
  }

  static String networkStatus(String name, String bitmap, int floorSum, String bandwidth) {
    return "<networkstatus>\n  <class_id bitmap='" + bitmap + "'/>\n  <floor sum='" + floorSum
        + "'/>\n  <network>\n    <name>" + name + "</name>\n    <forward mode='nat'/>\n"
        + "    <bridge name='br0'/>\n    " + bandwidth + "\n  </network>\n</networkstatus>\n";
  }

  static String domainStatus(String network, String portId, String mac, int classId, String bw) {
    return "<domstatus state='running'>\n  <domain type='kvm'>\n    <name>vm1</name>\n"
        + "    <uuid>11111111-2222-3333-4444-555555555555</uuid>\n    <devices>\n"
        + "      <interface type='network'>\n        <mac address='" + mac + "'/>\n"
        + "        <source network='" + network + "' portid='" + portId + "' bridge='br0'/>\n"
        + "        <actual type='network'>" + (classId == 0 ? "" : "<class id='" + classId + "'/>")
        + bw + "</actual>\n      </interface>\n    </devices>\n  </domain>\n</domstatus>\n";
  }

  static String portStatus(String uuid, String mac, int classId, String inbound) {
    return "<networkport>\n  <uuid>" + uuid + "</uuid>\n  <owner><name>vm2</name>"
        + "<uuid>22222222-2222-3333-4444-555555555555</uuid></owner>\n  <mac address='" + mac
        + "'/>\n  <bandwidth classID='" + classId + "'>" + inbound + "</bandwidth>\n"
        + "  <plug type='network' bridge='br0'/>\n</networkport>\n";
  }

  static final String NET_BW = "<bandwidth><inbound average='12500' peak='25000'/></bandwidth>";

  @BeforeEach
  void files() throws IOException {
    libvirt = tmp.resolve("run");
    state = tmp.resolve("state");
    Files.createDirectories(libvirt.resolve("default/ports"));
    Files.writeString(libvirt.resolve("default.xml"), networkStatus("default", "0-3,12", 3750,
        NET_BW));
    Files.writeString(libvirt.resolve("vm1.xml"), domainStatus("default", "port-3",
        "52:54:00:12:34:56", 3, "<bandwidth><inbound floor='2500'/></bandwidth>"));
    Files.writeString(libvirt.resolve("default/ports/port-12.xml"), portStatus("port-12",
        "52:54:00:ab:cd:0c", 12, "<inbound floor='1250'/>"));
  }

  @Test
  void dryRunReadsThePortsNextToTheStatusFileAndTheDomainsGivenAndChangesNothing() {
    Run r = adopt(libvirt.resolve("default.xml").toString(), "--domains",
        libvirt.resolve("vm1.xml").toString(), "--dry-run", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("network").asText()).isEqualTo("default");
    assertThat(j.get("dryRun").asBoolean()).isTrue();
    assertThat(j.get("layout").asText()).isEqualTo("libvirt");
    assertThat(j.get("ethertypes").asText()).isEqualTo("ipv4");
    assertThat(j.get("admission").asText()).isEqualTo("peak");
    assertThat(j.get("leafQdisc").asText()).isEqualTo("sfq");
    assertThat(j.get("averageBitsPerSecond").asLong()).isEqualTo(100_000_000L);
    assertThat(j.get("capacityBitsPerSecond").asLong()).isEqualTo(200_000_000L);
    assertThat(j.get("floorSumBitsPerSecond").asLong()).isEqualTo(30_000_000L);
    List<String> ifs = new ArrayList<>();
    j.get("interfaces").forEach(i -> ifs.add(i.get("alias").asText() + " " + i.get("class").asText()));
    assertThat(ifs).containsExactly("port-3 1:3", "port-12 1:c");
    assertThat(j.get("warnings")).isEmpty();
    assertThat(j.get("repairs")).isEmpty();
    assertThat(Files.exists(state)).as("a dry run creates nothing").isFalse();
  }

  @Test
  void aLibvirtNameNetFloorCannotUseIsAdoptedUnderADerivedNameWithTheWarningPrinted()
      throws IOException {
    Path lab = libvirt.resolve("lab net.xml");
    Files.writeString(lab, networkStatus("lab net;1", "0-3", 2500, NET_BW));
    Path vm = libvirt.resolve("vm-lab.xml");
    Files.writeString(vm, domainStatus("lab net;1", "port-3", "52:54:00:12:34:56", 3,
        "<bandwidth><inbound average='100' floor='2500'/></bandwidth>"));
    String derived = LibvirtStatusImport.deriveNetworkName("lab net;1").value();
    Run r = adopt(lab.toString(), "--domains", vm.toString(), "--dry-run");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Would adopt libvirt network 'lab net;1' as '" + derived + "'")
        .contains("layout libvirt, ethertypes ipv4, admission peak, leaf sfq")
        .contains("port-3").contains("1:3").contains("3 warning(s)");
    List<String> err = r.err().lines().toList();
    assertThat(err).hasSize(3).allMatch(l -> l.startsWith("netfloor: warning: "));
    assertThat(err.get(0)).contains("'lab net;1'", "imported as '" + derived + "'");
    // floor 2500 kB/s above the guest's own average of 100 kB/s: the effective value is stated
    assertThat(err.get(1)).contains("port-3", "floor 20mbit (2500 kB/s)",
        "NetFloor uses floor 800kbit (100 kB/s)");
    assertThat(err.get(2)).contains("libvirt's floor sum is 20mbit (2500 kB/s)",
        "add up to 800kbit (100 kB/s)");

    Run named = adopt(lab.toString(), "--domains", vm.toString(), "--dry-run", "--network",
        "lab", "--json");
    assertThat(named.exit()).as(named.err()).isZero();
    assertThat(named.json().get("network").asText()).isEqualTo("lab");
    assertThat(named.json().get("libvirtNetwork").asText()).isEqualTo("lab net;1");
    assertThat(named.json().get("warnings").get(0).asText()).endsWith("imported as 'lab'");
  }

  @Test
  void theNetworksBandwidthFromOptionsOrANetworkXmlAndTheAdmissionRule() throws IOException {
    String status = libvirt.resolve("default.xml").toString();
    String vm = libvirt.resolve("vm1.xml").toString();
    JsonNode own = adopt(status, "--domains", vm, "--dry-run", "--json", "--average", "20mbit")
        .json();
    assertThat(own.get("averageBitsPerSecond").asLong()).isEqualTo(20_000_000L);
    // 30 Mbit/s of floors on a 20 Mbit/s network: scaled down, each effective floor stated
    assertThat(own.get("floorSumBitsPerSecond").asLong()).isLessThanOrEqualTo(20_000_000L);
    assertThat(own.get("warnings").toString()).contains("scaled by 66.67%")
        .contains("NetFloor uses floor 13328kbit (1666 kB/s)");

    Path net = tmp.resolve("net.xml");
    Files.writeString(net, "<network><name>default</name><bridge name='br0'/><bandwidth>"
        + "<inbound average='50000'/></bandwidth></network>");
    JsonNode xml = adopt(status, "--domains", vm, "--dry-run", "--json", "--network-xml",
        net.toString(), "--admission", "average").json();
    assertThat(xml.get("averageBitsPerSecond").asLong()).isEqualTo(400_000_000L);
    assertThat(xml.get("capacityBitsPerSecond").asLong()).isEqualTo(400_000_000L);
    assertThat(xml.get("admission").asText()).isEqualTo("average");
    assertThat(xml.get("warnings")).isEmpty();
  }

  @Test
  void refusalsBeforeAnythingIsTouched() throws IOException {
    String status = libvirt.resolve("default.xml").toString();
    String vm = libvirt.resolve("vm1.xml").toString();
    assertRefused(adopt(status, "--average", "1mbit", "--network-xml", status), ExitCodes.USAGE,
        "not both");
    assertRefused(adopt(status, "--peak", "1mbit"), ExitCodes.USAGE, "--peak and --burst need"
        + " --average");
    assertRefused(adopt(status, "--ethertypes", "ipv6"), ExitCodes.USAGE,
        "--ethertypes 'ipv6' must be 'all' or 'ipv4'");
    assertRefused(adopt(status, "--admission", "floor"), ExitCodes.USAGE,
        "--admission 'floor' must be 'average' or 'peak'");
    assertRefused(adopt(status, "--domains", vm, "--leaf", "cake", "--dry-run"), ExitCodes.USAGE,
        "unknown leaf qdisc 'cake'");
    assertRefused(adopt(status, "--domains", tmp.resolve("nope.xml").toString()),
        ExitCodes.USAGE, "--domains", "nope.xml", "no such file");
    assertRefused(adopt(tmp.resolve("missing.xml").toString()), ExitCodes.FAILED,
        "missing.xml");
    assertRefused(adopt(status, "--domains", vm, "--network", "bad/name", "--dry-run"),
        ExitCodes.USAGE, "bad/name");

    // without any guest file, every class libvirt made would go: refused, saying what to give
    Path lone = tmp.resolve("lone").resolve("default.xml");
    Files.createDirectories(lone.getParent());
    Files.copy(libvirt.resolve("default.xml"), lone);
    assertRefused(adopt(lone.toString()), ExitCodes.USAGE, "class ids 3, 12",
        "no port or domain status file", "--ports", "--domains");

    // a network libvirt shapes without inbound QoS has no capacity to carve floors from
    Path noQos = tmp.resolve("noqos.xml");
    Files.writeString(noQos, networkStatus("default", "0-2", 0, ""));
    assertRefused(adopt(noQos.toString(), "--domains", vm), ExitCodes.USAGE,
        "has no inbound <bandwidth>", "--average");
    assertThat(Files.exists(state)).isFalse();
  }

  @Test
  void aNetworkTheStoreHoldsWithoutACliRecordIsNotAdoptedOverNorChanged() throws IOException {
    Files.createDirectories(state);
    Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions
        .fromString("rwx------"));
    var ifs = new TreeMap<InterfaceAlias, PluggedInterface>();
    ifs.put(InterfaceAlias.of("vm1"), new PluggedInterface("vm1", MacAddress.parse("52:54:00:00:00:01"),
        Bandwidth.floor(Rate.parse("10mbit")), 3, java.util.Optional.of(U32Handle.of(0x800, 0,
            0x803))));
    try (FileStatusStore store = FileStatusStore.open(state.resolve("status"))) {
      store.save(new NetworkStatus(NetworkName.of("default"), InterfaceName.of("br0"), ifs, new TreeSet<>()));
    }
    assertRefused(adopt(libvirt.resolve("default.xml").toString(), "--domains",
        libvirt.resolve("vm1.xml").toString()), ExitCodes.FAILED,
        "network 'default' is adopted through the library, config unknown",
        "'adopt' cannot change it",
        "netfloor start --network default --bridge br0 --average RATE --layout libvirt");
    assertRefused(cli("plug", "vm2", "--mac", "52:54:00:00:00:02", "--network", "default",
        "--state-dir", state.toString()), ExitCodes.FAILED, "config unknown",
        "'plug' cannot change it", "'netfloor status' and 'tree' show it");
    assertRefused(cli("stop", "--network", "default", "--state-dir", state.toString()),
        ExitCodes.FAILED, "'stop' cannot change it");
    assertThat(LibraryNetwork.layoutOf(new NetworkStatus(NetworkName.of("x"), InterfaceName.of("br0"), ifs,
        new TreeSet<>()))).contains(FilterLayout.LIBVIRT_LINEAR);
  }

  static void assertRefused(Run r, int exit, String... fragments) {
    assertThat(r.exit()).as("exit code of a refused command; stderr: %s", r.err()).isEqualTo(exit);
    assertThat(r.err().lines().toList()).as("stderr is one line: %s", r.err()).hasSize(1);
    assertThat(r.err()).startsWith("netfloor: ").doesNotContain("\tat ").contains(fragments);
  }
}
