// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.TrafficMatch;
import io.netfloor.plan.U32Handle;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.ByteSize;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import from sample files shaped as libvirt writes them. */
class LibvirtStatusImportTest {
  static String resource(String name) {
    try (InputStream in = LibvirtStatusImportTest.class.getResourceAsStream("/libvirt/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> docs(String... names) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, resource(n));
    }
    return m;
  }

  @Test
  void adoptsInterfacesWithClassIdsFloorsAndLinearFilterHandles() {
    LibvirtStatusImport.Result r = LibvirtStatusImport.fromXml("default.xml", resource("default.xml"),
        docs("vm1.xml", "vm2.xml", "port7.xml"));
    NetworkStatus s = r.status();
    assertThat(s.network()).isEqualTo(NetworkName.of("default"));
    assertThat(s.bridge()).isEqualTo(InterfaceName.of("virbr0"));
    assertThat(s.interfaces()).containsOnlyKeys(InterfaceAlias.of("aaaaaaaa-0000-4000-8000-000000000003"),
        InterfaceAlias.of("bbbbbbbb-0000-4000-8000-000000000004"), InterfaceAlias.of("cccccccc-0000-4000-8000-000000000007"),
        InterfaceAlias.of("11111111-2222-3333-4444-555555555555:52:54:00:12:34:57"));
    PluggedInterface vm1 = s.interfaces().get(InterfaceAlias.of("aaaaaaaa-0000-4000-8000-000000000003"));
    assertThat(vm1.mac()).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
    assertThat(vm1.classMinor()).isEqualTo(3);
    assertThat(vm1.filterHandle()).contains(U32Handle.of(0x800, 0, 0x803));
    var in = vm1.bandwidth().inbound().orElseThrow();
    assertThat(in.average()).contains(Rate.ofKilobytesPerSecond(1000));
    assertThat(in.peak()).contains(Rate.ofKilobytesPerSecond(2000));
    assertThat(in.floor()).contains(Rate.ofKilobytesPerSecond(200));
    assertThat(in.burst()).contains(ByteSize.ofKibibytes(256));
    assertThat(vm1.bandwidth().outbound().orElseThrow().average())
        .contains(Rate.ofKilobytesPerSecond(500));
    PluggedInterface noFloor = s.interfaces().get(InterfaceAlias.of("11111111-2222-3333-4444-555555555555:52:54:00:12:34:57"));
    assertThat(noFloor.classMinor()).isZero();
    assertThat(noFloor.filterHandle()).isEmpty();
    assertThat(s.interfaces().get(InterfaceAlias.of("cccccccc-0000-4000-8000-000000000007")).classMinor()).isEqualTo(7);
    assertThat(s.usedClassIds()).containsExactly(0, 1, 2, 3, 4, 7);
    assertThat(r.libvirtClassIds()).containsExactly(0, 1, 2, 3, 4, 7);
    // 200 + 300 + 150 = 650 kB/s, libvirt says 600: reported, the interfaces trusted
    assertThat(r.libvirtFloorSum()).contains(Rate.ofKilobytesPerSecond(600));
    assertThat(s.floorSum()).isEqualTo(Rate.ofKilobytesPerSecond(650));
    assertThat(r.warnings()).singleElement().asString().contains("floor sum", "600 kB/s",
        "650 kB/s", "trusting the interfaces");
  }

  @Test
  void reportsBitmapDisagreementsAndInterfacesItCannotAdopt() {
    String net = resource("default.xml").replace("0-4,7", "0-5,^4,9");
    Map<String, String> d = docs("vm1.xml", "vm2.xml");
    d.put("bad.xml", """
        <domain><uuid>u</uuid><devices>
          <interface type='network'><mac address='52:54:00:00:00:10'/>
            <source network='default' portid='p-nocls'/>
            <actual type='network'><bandwidth><inbound floor='5'/></bandwidth></actual></interface>
          <interface type='network'><mac address='52:54:00:00:00:11'/>
            <source network='default' portid='p-dup'/>
            <actual type='network'><class id='3'/><bandwidth><inbound floor='5'/></bandwidth></actual></interface>
          <interface type='network'><mac address='52:54:00:00:00:12'/>
            <source network='default' portid='p-big'/>
            <actual type='network'><class id='4096'/><bandwidth><inbound floor='5'/></bandwidth></actual></interface>
          <interface type='network'><mac address='52:54:00:00:00:13'/>
            <source network='default' portid='p-nofloor'/>
            <actual type='network'><class id='6'/></actual></interface>
        </devices></domain>""");
    LibvirtStatusImport.Result r = LibvirtStatusImport.fromXml("net", net, d);
    assertThat(r.status().interfaces()).containsKeys(InterfaceAlias.of("p-nofloor"))
        .doesNotContainKeys(InterfaceAlias.of("p-nocls"), InterfaceAlias.of("p-dup"), InterfaceAlias.of("p-big"));
    assertThat(r.status().interfaces().get(InterfaceAlias.of("p-nofloor")).classMinor()).isZero();
    assertThat(String.join("\n", r.warnings())).contains(
        "p-nocls has a floor", "p-dup holds class id 3, already held by",
        "p-big holds class id 4096", "p-nofloor holds class id 6 but has no floor",
        "class id 5 is marked used", "holds class id 4, which libvirt's bitmap marks free");
  }

  /** libvirt's filter of class id N is 800:: and the decimal digits of 800+N, read as hex by tc. */
  @Test
  void twoAndThreeDigitClassIdsGetLibvirtsOwnFilterHandles() {
    String net = resource("default.xml").replace("0-4,7", "0-2,10,16,150,199")
        .replace("<floor sum='600'/>", "<floor sum='40'/>");
    StringBuilder domain = new StringBuilder("<domain><uuid>u</uuid><devices>");
    for (int id : new int[] {10, 16, 150, 199, 2048}) {
      domain.append(String.format("""
          <interface type='network'><mac address='52:54:00:00:%02x:%02x'/>
            <source network='default' portid='p%d'/>
            <actual type='network'><class id='%d'/><bandwidth><inbound floor='10'/></bandwidth>
            </actual></interface>""", id >> 8, id & 0xff, id, id));
    }
    domain.append("</devices></domain>");
    LibvirtStatusImport.Result r = LibvirtStatusImport.fromXml("net", net,
        Map.of("vms.xml", domain.toString()));
    Map<InterfaceAlias, PluggedInterface> ifs = r.status().interfaces();
    for (int id : new int[] {10, 16, 150, 199}) {
      assertThat(ifs.get(InterfaceAlias.of("p" + id)).filterHandle().orElseThrow().toString()).as("id %d", id)
          .isEqualTo("800::" + (800 + id));
    }
    assertThat(ifs.get(InterfaceAlias.of("p10")).filterHandle()).contains(U32Handle.of(0x800, 0, 0x810));
    assertThat(ifs.get(InterfaceAlias.of("p150")).filterHandle()).contains(U32Handle.of(0x800, 0, 0x950));
    // libvirt cannot plug id 2048 (800::2848 is no valid node) and NetFloor's linear layout
    // reserves it: left out, with a warning
    assertThat(ifs).doesNotContainKey(InterfaceAlias.of("p2048"));
    assertThat(r.warnings()).singleElement().asString().contains("p2048 holds class id 2048",
        "cannot address");
  }

  @Test
  void readsFilesAndAcceptsPreOneDotZeroNetworkFiles(@TempDir Path tmp) throws IOException {
    Path net = tmp.resolve("default.xml");
    Files.writeString(net, "<network><name>default</name><bridge name='virbr0'/></network>");
    Path vm = tmp.resolve("vm2.xml");
    Files.writeString(vm, resource("vm2.xml"));
    LibvirtStatusImport.Result r = LibvirtStatusImport.fromFiles(net, List.of(vm));
    assertThat(r.status().interfaces()).hasSize(1);
    assertThat(r.libvirtFloorSum()).isEmpty();
    assertThat(r.warnings()).singleElement().asString().contains("bare <network>");
    // and the result can be stored as is
    try (FileStatusStore store = FileStatusStore.open(tmp.resolve("store"))) {
      store.save(r.status());
      assertThat(store.load("default")).contains(r.status());
    }
  }

  @Test
  void refusesDoctypesAndNamesTheBrokenFile() {
    String xxe = "<?xml version='1.0'?><!DOCTYPE n [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        + "<networkstatus><network><name>&x;</name></network></networkstatus>";
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("evil.xml", xxe, Map.of()))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("evil.xml")
        .hasMessageContaining("DOCTYPE");
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("n.xml",
        resource("default.xml").replace("sum='600'", "sum='6x'"), Map.of()))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("Malformed 'floor_sum'");
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("n.xml",
        resource("default.xml").replace("0-4,7", "0-4,x"), Map.of()))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("bitmap");
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("n.xml", resource("default.xml"),
        Map.of("vm.xml", resource("vm2.xml").replace("floor='300'", "floor='x'"))))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("vm.xml");
  }

  @Test
  void bitmapSyntax() {
    assertThat(LibvirtStatusImport.parseBitmap("t", "0-2")).containsExactly(0, 1, 2);
    assertThat(LibvirtStatusImport.parseBitmap("t", "0-4,7,^3")).containsExactly(0, 1, 2, 4, 7);
    assertThat(LibvirtStatusImport.parseBitmap("t", "")).isEmpty();
    assertThatThrownBy(() -> LibvirtStatusImport.parseBitmap("t", "5-3"))
        .isInstanceOf(StatusStoreException.class);
    assertThatThrownBy(() -> LibvirtStatusImport.parseBitmap("t", "70000"))
        .isInstanceOf(StatusStoreException.class);
  }

  @Test
  void emptyInterfacesListGivesAnEmptyStatus() {
    var r = LibvirtStatusImport.fromXml("n", resource("default.xml"), Map.of());
    assertThat(r.status().interfaces()).isEmpty();
    assertThat(r.status().parkedClassIds()).isEmpty();
    assertThat(r.warnings()).hasSize(4); // ids 3, 4, 7 leaked, floor sum 600 vs 0
    assertThat(r.status()).isEqualTo(new NetworkStatus(NetworkName.of("default"), InterfaceName.of("virbr0"),
        new java.util.TreeMap<>(), new java.util.TreeSet<>()));
    assertThat(r.libvirtFloorSum()).contains(Rate.ofKilobytesPerSecond(600));
  }

  // ---------------------------------------------------- what libvirt accepts is never refused

  private static String network(String name, String bitmap, String bandwidth) {
    return "<networkstatus><class_id bitmap='" + bitmap + "'/><network><name>" + name + "</name>"
        + "<bridge name='virbr0'/>" + bandwidth + "</network></networkstatus>";
  }

  private static String domain(String network, String... interfaces) {
    StringBuilder sb = new StringBuilder("<domstatus><domain><uuid>d</uuid><devices>");
    for (String i : interfaces) {
      sb.append(i.replace("NET", network));
    }
    return sb.append("</devices></domain></domstatus>").toString();
  }

  private static String iface(String port, String mac, int classId, String inbound) {
    return "<interface type='network'><mac address='" + mac + "'/><source network='NET' portid='"
        + port + "'/><actual type='network'>" + (classId == 0 ? "" : "<class id='" + classId
        + "'/>") + "<bandwidth>" + inbound + "</bandwidth></actual></interface>";
  }

  private static final String NET_BW =
      "<bandwidth><inbound average='12500' peak='25000'/></bandwidth>";

  @Test
  void aNetworkNameNetFloorCannotUseIsImportedUnderADerivedNameWithAWarning() {
    String name = "lab net;2:x";
    var r = LibvirtStatusImport.fromXml("lab.xml", network(name, "0-3", NET_BW),
        Map.of("vm.xml", domain(name, iface("p3", "52:54:00:00:00:03", 3, "<inbound floor='100'/>"))));
    String derived = LibvirtStatusImport.deriveNetworkName(name).value();
    assertThat(derived).matches("lab_net_2_x-[0-9a-f]{8}");
    assertThat(NetworkName.of(derived).value()).isEqualTo(derived);
    assertThat(r.status().network()).isEqualTo(NetworkName.of(derived));
    assertThat(r.libvirtNetworkName()).isEqualTo(name);
    // the domain's <source network=…> still matched libvirt's own name
    assertThat(r.status().interfaces()).containsOnlyKeys(InterfaceAlias.of("p3"));
    assertThat(r.warnings()).singleElement().asString().contains("lab.xml", "'" + name + "'",
        "imported as '" + derived + "'");
    // a name the caller chooses replaces the derived one, in the warning too
    var mine = r.fitTo(libvirtConfig("mine", AdmissionLimit.PEAK_LIKE_LIBVIRT));
    assertThat(mine.status().network()).isEqualTo(NetworkName.of("mine"));
    assertThat(mine.warnings()).singleElement().asString().endsWith("imported as 'mine'");
    // stable, and distinct for names that differ only in replaced characters
    assertThat(LibvirtStatusImport.deriveNetworkName(name).value()).isEqualTo(derived);
    assertThat(LibvirtStatusImport.deriveNetworkName("lab net").value())
        .isNotEqualTo(LibvirtStatusImport.deriveNetworkName("lab:net").value());
    assertThat(LibvirtStatusImport.deriveNetworkName("default").value()).isEqualTo("default");
    String longName = ".x" + " y".repeat(60);
    String d = LibvirtStatusImport.deriveNetworkName(longName).value();
    assertThat(d).hasSizeLessThanOrEqualTo(64).startsWith("_x_y");
    assertThat(NetworkName.of(d).value()).isEqualTo(d);
    assertThat(LibvirtStatusImport.deriveNetworkName("réseau").value()).matches("r_seau-[0-9a-f]{8}")
        .satisfies(NetworkName::of);
  }

  @Test
  void guestValuesLibvirtAcceptedAreImportedAsTheKernelEnforcedThem() {
    var r = LibvirtStatusImport.fromXml("net.xml", network("default", "0-6", NET_BW),
        Map.of("vm.xml", domain("default",
            // floor above the guest's own peak: it can never receive more than its peak
            iface("above-peak", "52:54:00:00:00:03", 3,
                "<inbound average='100' peak='200' floor='300'/>"),
            // floor above its average, no peak
            iface("above-avg", "52:54:00:00:00:04", 4, "<inbound average='100' floor='150'/>"),
            // peak below average: HTB's ceil capped it at the peak
            iface("low-peak", "52:54:00:00:00:05", 5,
                "<inbound average='500' peak='300' floor='50'/><outbound average='9' peak='7'/>"),
            // a peak without an average (0 is "absent" to libvirt): libvirt shapes nothing
            iface("no-avg", "52:54:00:00:00:06", 6, "<inbound average='0' peak='9' floor='5'/>"
                + "<outbound average='40'/>"))));
    var ifs = r.status().interfaces();
    assertThat(ifs).containsOnlyKeys(InterfaceAlias.of("above-peak"), InterfaceAlias.of("above-avg"), InterfaceAlias.of("low-peak"), InterfaceAlias.of("no-avg"));
    Limits abovePeak = ifs.get(InterfaceAlias.of("above-peak")).bandwidth().inbound().orElseThrow();
    assertThat(abovePeak.floor()).contains(Rate.ofKilobytesPerSecond(200));
    assertThat(abovePeak.peak()).contains(Rate.ofKilobytesPerSecond(200));
    assertThat(ifs.get(InterfaceAlias.of("above-peak")).classMinor()).isEqualTo(3);
    assertThat(ifs.get(InterfaceAlias.of("above-avg")).bandwidth().floorOrZero())
        .isEqualTo(Rate.ofKilobytesPerSecond(100));
    Limits lowPeak = ifs.get(InterfaceAlias.of("low-peak")).bandwidth().inbound().orElseThrow();
    assertThat(lowPeak.average()).contains(Rate.ofKilobytesPerSecond(300));
    assertThat(lowPeak.peak()).isEmpty();
    assertThat(ifs.get(InterfaceAlias.of("low-peak")).bandwidth().outbound().orElseThrow().average())
        .contains(Rate.ofKilobytesPerSecond(7));
    assertThat(ifs.get(InterfaceAlias.of("no-avg")).bandwidth().inbound()).contains(
        Limits.floorOnly(Rate.ofKilobytesPerSecond(5)));
    assertThat(ifs.get(InterfaceAlias.of("no-avg")).classMinor()).isEqualTo(6);
    String all = String.join("\n", r.warnings());
    assertThat(all).contains(
        "interface above-peak: inbound floor 2400kbit (300 kB/s) is above its own peak 1600kbit"
            + " (200 kB/s), which the interface can never exceed; NetFloor uses floor 1600kbit"
            + " (200 kB/s)",
        "interface above-avg: inbound floor 1200kbit (150 kB/s) is above its own average 800kbit"
            + " (100 kB/s)",
        "interface low-peak: inbound peak 2400kbit (300 kB/s) is below its average 4mbit"
            + " (500 kB/s)", "NetFloor uses average 2400kbit (300 kB/s) and no peak",
        "interface low-peak: outbound peak",
        "interface no-avg: inbound peak/burst without an average");
    assertThat(r.warnings()).allMatch(w -> w.startsWith("vm.xml: "));
    // what libvirt itself refuses still is an error naming the file
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("net.xml", network("default", "0-3", NET_BW),
        Map.of("bad.xml", domain("default", iface("x", "52:54:00:00:00:03", 3,
            "<inbound average='100' peak='50' floor='1x'/>")))))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining("bad.xml")
        .hasMessageContaining("'1x'");
  }

  @Test
  void theNetworksBandwidthComesWithTheImportAndALibvirtOnlyValueIsRelaxed() {
    var r = LibvirtStatusImport.fromXml("n", resource("default.xml"), Map.of());
    assertThat(r.networkBandwidth()).contains(Bandwidth.of(
        Limits.builder().average(Rate.ofKilobytesPerSecond(12500))
            .peak(Rate.ofKilobytesPerSecond(25000)).build(),
        Limits.builder().average(Rate.ofKilobytesPerSecond(12500)).build()));
    var lowPeak = LibvirtStatusImport.fromXml("n", network("default", "0-2",
        "<bandwidth><inbound average='2000' peak='1000'/></bandwidth>"), Map.of());
    assertThat(lowPeak.networkBandwidth().orElseThrow().inbound().orElseThrow().average())
        .contains(Rate.ofKilobytesPerSecond(1000));
    assertThat(lowPeak.warnings()).anyMatch(w -> w.contains("network 'default': inbound peak"));
    // one NetFloor cannot use at all leaves the choice to the caller, and the import goes on
    var withFloor = LibvirtStatusImport.fromXml("n", network("default", "0-2",
        "<bandwidth><inbound average='2000' floor='5'/></bandwidth>"), Map.of());
    assertThat(withFloor.networkBandwidth()).isEmpty();
    assertThat(withFloor.warnings()).anyMatch(w -> w.contains("floor attribute is not supported")
        && w.contains("must be given another way"));
    assertThat(LibvirtStatusImport.fromXml("n", network("default", "0-2", ""), Map.of())
        .networkBandwidth()).isEmpty();
  }

  @Test
  void readsTheBandwidthOfANetworkDefinitionFile(@TempDir Path tmp) throws IOException {
    Path xml = tmp.resolve("net.xml");
    Files.writeString(xml, "<network><name>x y</name><bridge name='virbr9'/>"
        + "<bandwidth><inbound average='1000' peak='500'/></bandwidth></network>");
    List<String> warnings = new java.util.ArrayList<>();
    assertThat(LibvirtStatusImport.networkBandwidth(xml, warnings)).contains(Bandwidth.inboundOnly(
        Limits.averageOnly(Rate.ofKilobytesPerSecond(500))));
    assertThat(warnings).singleElement().asString().contains(xml.toString(), "peak");
    Files.writeString(xml, "<domain/>");
    assertThatThrownBy(() -> LibvirtStatusImport.networkBandwidth(xml, warnings))
        .isInstanceOf(StatusStoreException.class).hasMessageContaining(xml.toString())
        .hasMessageContaining("<domain>");
  }

  @Test
  void ofTwoInterfacesWithOneMacTheOneTheKernelSteersToIsAdopted() {
    var r = LibvirtStatusImport.fromXml("net.xml", network("default", "0-4", NET_BW),
        Map.of("vm.xml", domain("default",
            iface("plain", "52:54:00:00:00:07", 0, "<inbound average='100'/>"),
            iface("second", "52:54:00:00:00:07", 4, "<inbound floor='10'/>"),
            iface("first", "52:54:00:00:00:07", 3, "<inbound floor='20'/>"))));
    assertThat(r.status().interfaces()).containsOnlyKeys(InterfaceAlias.of("first"));
    assertThat(String.join("\n", r.warnings())).contains(
        "interface plain has MAC 52:54:00:00:00:07, as interface first has",
        "interface second has MAC 52:54:00:00:00:07", "(class id 3)", "second is not adopted",
        "class id 4 is marked used");
    assertThat(r.unheldClassIds()).containsExactly(4);
  }

  private static NetworkConfig libvirtConfig(String name, AdmissionLimit admission) {
    return NetworkConfig.builder(name, "virbr0").inbound(Limits.builder()
            .average(Rate.ofKilobytesPerSecond(12500)).peak(Rate.ofKilobytesPerSecond(25000)).build())
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).trafficMatch(TrafficMatch.IPV4_ONLY)
        .admissionLimit(admission).build();
  }

  @Test
  void fitToKeepsFloorsThatFitAndTakesTheConfigsName() {
    var r = LibvirtStatusImport.fromXml("default.xml", resource("default.xml"),
        docs("vm1.xml", "vm2.xml", "port7.xml"));
    var fitted = r.fitTo(libvirtConfig("adopted", AdmissionLimit.PEAK_LIKE_LIBVIRT));
    assertThat(fitted.status().network()).isEqualTo(NetworkName.of("adopted"));
    assertThat(fitted.status().interfaces().values()).containsExactlyElementsOf(
        r.status().interfaces().values());
    assertThat(fitted.warnings()).isEqualTo(r.warnings());
    assertThatThrownBy(() -> r.fitTo(libvirtConfig("x", AdmissionLimit.AVERAGE).toBuilder()
        .filterLayout(FilterLayout.HASHED).build())).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("LIBVIRT_LINEAR");
    assertThatThrownBy(() -> r.fitTo(NetworkConfig.builder("x", "virbr1")
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).build()))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("virbr1");
  }

  @Test
  void fitToBringsFloorsAboveTheCapacityDownToWhatTheNetworkCanGuarantee() {
    var r = LibvirtStatusImport.fromXml("net.xml", network("default", "0-5", NET_BW),
        Map.of("vm.xml", domain("default",
            iface("big", "52:54:00:00:00:03", 3, "<inbound floor='30000'/>"),
            iface("small", "52:54:00:00:00:04", 4, "<inbound floor='5000'/>"),
            iface("none", "52:54:00:00:00:05", 0, "<inbound average='10'/>"))));
    NetworkConfig peak = libvirtConfig("default", AdmissionLimit.PEAK_LIKE_LIBVIRT);
    // the raw import does not fit: 35000 kB/s of floors on a network whose peak is 25000 kB/s
    assertThatThrownBy(() -> r.status().toTree(peak)).isInstanceOf(InvalidValueException.class);

    var fitted = r.fitTo(peak);
    var ifs = fitted.status().interfaces();
    // 30000 -> the capacity 25000; then 30000 in all: scaled by 25000/30000, whole kB/s
    assertThat(ifs.get(InterfaceAlias.of("big")).bandwidth().floorOrZero()).isEqualTo(Rate.ofKilobytesPerSecond(20833));
    assertThat(ifs.get(InterfaceAlias.of("small")).bandwidth().floorOrZero()).isEqualTo(Rate.ofKilobytesPerSecond(4166));
    assertThat(ifs.get(InterfaceAlias.of("big")).classMinor()).isEqualTo(3);
    assertThat(ifs.get(InterfaceAlias.of("none"))).isEqualTo(r.status().interfaces().get(InterfaceAlias.of("none")));
    assertThat(fitted.status().toTree(peak).floorSum().compareTo(peak.floorCapacity().orElseThrow()))
        .isNotPositive();
    assertThat(String.join("\n", fitted.warnings())).contains(
        "interface big: floor 240mbit (30000 kB/s) is above the 200mbit (25000 kB/s) (its inbound"
            + " peak) that network 'default' can guarantee; NetFloor uses floor 200mbit (25000 kB/s)",
        "the adopted floors sum to 240mbit (30000 kB/s), above the 200mbit (25000 kB/s)",
        "scaled by 83.33%",
        "interface big: floor 200mbit (25000 kB/s) scaled down; NetFloor uses floor 166664kbit"
            + " (20833 kB/s)",
        "interface small: floor 40mbit (5000 kB/s) scaled down; NetFloor uses floor 33328kbit"
            + " (4166 kB/s)");

    // under the average rule the capacity is the average
    NetworkConfig average = libvirtConfig("default", AdmissionLimit.AVERAGE);
    var fittedAvg = r.fitTo(average);
    assertThat(fittedAvg.status().toTree(average).floorSum())
        .isLessThanOrEqualTo(Rate.ofKilobytesPerSecond(12500));
    assertThat(fittedAvg.warnings()).anyMatch(w -> w.contains("(its inbound average)"));

    // no inbound bandwidth at all: floors cannot be guaranteed and are dropped
    NetworkConfig none = NetworkConfig.builder("default", "virbr0")
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).build();
    var dropped = r.fitTo(none);
    assertThat(dropped.status().interfaces().values()).allMatch(p -> !p.hasOwnClass());
    assertThat(dropped.status().toTree(none).interfaces()).hasSize(3);
    assertThat(dropped.warnings()).anyMatch(w -> w.contains("interface big:")
        && w.contains("has no inbound bandwidth") && w.contains("default class"));
  }
}
