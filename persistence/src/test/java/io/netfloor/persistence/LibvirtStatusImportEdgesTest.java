// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.LibvirtBandwidthXml;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.PluggedInterface;
import io.netfloor.model.TrafficMatch;
import io.netfloor.spi.StatusStoreException;
import io.netfloor.units.Rate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libvirt import at the edges of what libvirt writes: elements missing or empty, values at
 * exactly the bounds, values libvirt accepts that sit right at NetFloor's rules, interfaces
 * described twice. Each either imports exactly what the kernel holds or fails naming the file.
 */
class LibvirtStatusImportEdgesTest {
  private static String network(String inside) {
    return "<networkstatus><class_id bitmap='0-9'/><network><name>default</name>"
        + "<bridge name='virbr0'/>" + inside + "</network></networkstatus>";
  }

  private static String domain(String... interfaces) {
    return "<domstatus><domain><uuid>d</uuid><devices>" + String.join("", interfaces)
        + "</devices></domain></domstatus>";
  }

  private static String iface(String port, String mac, int classId, String bandwidth) {
    return "<interface type='network'><mac address='" + mac + "'/><source network='default'"
        + " portid='" + port + "'/><actual type='network'>" + (classId == 0 ? ""
        : "<class id='" + classId + "'/>") + bandwidth + "</actual></interface>";
  }

  private static LibvirtStatusImport.Result importOne(String domainXml) {
    return LibvirtStatusImport.fromXml("net.xml", network(""), Map.of("vm.xml", domainXml));
  }

  private static List<String> interfaceWarnings(LibvirtStatusImport.Result r) {
    return r.warnings().stream().filter(w -> w.startsWith("vm.xml: ")).toList();
  }

  @Test
  void aStatusFileWithoutTheElementsItNeedsIsRefusedNamingIt() {
    for (String[] c : new String[][] {
        {"<networkstatus><class_id bitmap='0-2'/></networkstatus>",
            "net.xml: <networkstatus> has no <network> element"},
        {"<networkstatus><network><bridge name='virbr0'/></network></networkstatus>",
            "net.xml: the network has no <name>"},
        {"<networkstatus><network><name> </name><bridge name='virbr0'/></network></networkstatus>",
            "net.xml: the network has no <name>"},
        {"<networkstatus><network><name>default</name></network></networkstatus>",
            "has no <bridge name=…>"},
        {"<networkstatus><network><name>default</name><bridge name=''/></network></networkstatus>",
            "net.xml: network 'default' has no <bridge name=…>"},
        {"<domain/>", "net.xml: root element <domain> is neither <networkstatus> nor <network>"}}) {
      assertThatThrownBy(() -> LibvirtStatusImport.fromXml("net.xml", c[0], Map.of())).as(c[0])
          .isExactlyInstanceOf(StatusStoreException.class).hasMessageContaining(c[1]);
    }
    for (String[] c : new String[][] {
        {"<domstatus><taint/></domstatus>", "vm.xml: <domstatus> has no <domain>"},
        {"<networkport><mac address='52:54:00:00:00:03'/><plug type='network' bridge='virbr0'/>"
            + "</networkport>", "vm.xml: <networkport> has no <uuid>"},
        {"<networkport><uuid> </uuid><plug type='network' bridge='virbr0'/></networkport>",
            "vm.xml: <networkport> has no <uuid>"},
        {"<network/>", "vm.xml: root element <network> is not <domstatus>, <domain> or"}}) {
      assertThatThrownBy(() -> importOne(c[0])).as(c[0])
          .isExactlyInstanceOf(StatusStoreException.class).hasMessageContaining(c[1]);
    }
  }

  @Test
  void theNetworkDefinitionFileNeedsItsNetwork(@TempDir Path tmp) throws IOException {
    Path xml = Files.writeString(tmp.resolve("n.xml"), "<networkstatus/>");
    assertThatThrownBy(() -> LibvirtStatusImport.networkBandwidth(xml, new java.util.ArrayList<>()))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessage(xml + ": <networkstatus> has no <network> element");
    Files.writeString(xml, "<networkstatus><network><name>n</name><bandwidth><inbound"
        + " average='10'/></bandwidth></network></networkstatus>");
    assertThat(LibvirtStatusImport.networkBandwidth(xml, new java.util.ArrayList<>()))
        .hasValueSatisfying(b -> assertThat(b.inbound().orElseThrow().average())
            .contains(Rate.ofKilobytesPerSecond(10)));
  }

  @Test
  void classIdsUpTo65535AreLibvirtsAndAboveAreNot() {
    var r = importOne(domain(iface("p", "52:54:00:00:00:03", 65535, "<bandwidth><inbound"
        + " floor='5'/></bandwidth>")));
    // a valid libvirt id, which the linear layout cannot address: left out with a warning
    assertThat(r.status().interfaces()).isEmpty();
    assertThat(interfaceWarnings(r)).singleElement().asString().contains("holds class id 65535");
    for (String id : List.of("65536", "99999", "123456", "-1", "")) {
      assertThatThrownBy(() -> importOne(domain("<interface type='network'><mac"
          + " address='52:54:00:00:00:03'/><source network='default' portid='p'/><actual"
          + " type='network'><class id='" + id + "'/></actual></interface>"))).as(id)
          .isExactlyInstanceOf(StatusStoreException.class)
          .hasMessageContaining("vm.xml: interface 52:54:00:00:00:03: Unable to parse class id '"
              + id + "'");
    }
  }

  /** libvirt uses the interface's own {@code <bandwidth>} when its actual device has none. */
  @Test
  void anActualDeviceWithoutBandwidthTakesTheInterfacesOwn() {
    var r = importOne(domain("<interface type='network'><mac address='52:54:00:00:00:03'/>"
        + "<source network='default' portid='p'/><bandwidth><inbound average='100' floor='20'/>"
        + "</bandwidth><actual type='network'><class id='3'/></actual></interface>"));
    PluggedInterface p = r.status().interfaces().get(InterfaceAlias.of("p"));
    assertThat(p.classMinor()).isEqualTo(3);
    assertThat(p.bandwidth().floorOrZero()).isEqualTo(Rate.ofKilobytesPerSecond(20));
    // and the actual device's own bandwidth wins over the interface's
    var actual = importOne(domain("<interface type='network'><mac address='52:54:00:00:00:03'/>"
        + "<source network='default' portid='p'/><bandwidth><inbound average='100' floor='20'/>"
        + "</bandwidth><actual type='network'><class id='3'/><bandwidth><inbound floor='30'/>"
        + "</bandwidth></actual></interface>"));
    assertThat(actual.status().interfaces().get(InterfaceAlias.of("p")).bandwidth().floorOrZero())
        .isEqualTo(Rate.ofKilobytesPerSecond(30));
  }

  @Test
  void anInterfaceDescribedInTwoFilesIsAdoptedOnceAndADifferenceIsReported() {
    String one = domain(iface("p", "52:54:00:00:00:03", 0, "<bandwidth><inbound average='5'/>"
        + "</bandwidth>"));
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("a.xml", one);
    docs.put("b.xml", one);
    var same = LibvirtStatusImport.fromXml("net.xml", network(""), docs);
    assertThat(same.status().interfaces()).containsOnlyKeys(InterfaceAlias.of("p"));
    assertThat(same.warnings()).noneMatch(w -> w.contains("described differently"));
    docs.put("b.xml", one.replace("average='5'", "average='6'"));
    var differ = LibvirtStatusImport.fromXml("net.xml", network(""), docs);
    assertThat(differ.status().interfaces().get(InterfaceAlias.of("p")).bandwidth().inbound().orElseThrow().average())
        .contains(Rate.ofKilobytesPerSecond(5));
    assertThat(differ.warnings()).anyMatch(w -> w.startsWith("b.xml: interface p is described"
        + " differently in another file; keeping the first"));
  }

  /** Two interfaces in the default class with one MAC: the kernel cannot tell them apart either. */
  @Test
  void ofTwoInterfacesInTheDefaultClassWithOneMacTheFirstFoundIsAdopted() {
    var r = importOne(domain(
        iface("first", "52:54:00:00:00:07", 0, "<bandwidth><inbound average='100'/></bandwidth>"),
        iface("second", "52:54:00:00:00:07", 0, "<bandwidth><inbound average='200'/></bandwidth>")));
    assertThat(r.status().interfaces()).containsOnlyKeys(InterfaceAlias.of("first"));
    assertThat(interfaceWarnings(r)).singleElement().asString()
        .contains("interface second has MAC 52:54:00:00:00:07, as interface first has",
            "(default class)");
  }

  /** Where a value sits exactly at one of NetFloor's rules, it keeps it: nothing to relax. */
  @Test
  void valuesExactlyAtARuleAreKeptAsLibvirtWroteThem() {
    // another rule is broken on the other direction, so every value is looked at
    String brokenOutbound = "<outbound average='9' peak='7'/>";
    var r = importOne(domain(
        iface("floor-only", "52:54:00:00:00:03", 3,
            "<bandwidth><inbound floor='5'/>" + brokenOutbound + "</bandwidth>"),
        iface("at-peak", "52:54:00:00:00:04", 4,
            "<bandwidth><inbound average='100' peak='200' floor='200'/>" + brokenOutbound
                + "</bandwidth>"),
        iface("peak-is-average", "52:54:00:00:00:05", 5,
            "<bandwidth><inbound average='100' peak='100' floor='40'/>" + brokenOutbound
                + "</bandwidth>")));
    var ifs = r.status().interfaces();
    assertThat(ifs.get(InterfaceAlias.of("floor-only")).bandwidth().inbound())
        .contains(Limits.floorOnly(Rate.ofKilobytesPerSecond(5)));
    assertThat(ifs.get(InterfaceAlias.of("at-peak")).bandwidth().floorOrZero()).isEqualTo(Rate.ofKilobytesPerSecond(200));
    Limits same = ifs.get(InterfaceAlias.of("peak-is-average")).bandwidth().inbound().orElseThrow();
    assertThat(same.average()).contains(Rate.ofKilobytesPerSecond(100));
    assertThat(same.peak()).contains(Rate.ofKilobytesPerSecond(100));
    // one warning per interface: its outbound peak; none about the inbound values
    assertThat(interfaceWarnings(r)).hasSize(3).allMatch(w -> w.contains(": outbound peak 56kbit"));
  }

  @Test
  void aBurstWithoutAnAverageIsDroppedAsLibvirtIgnoresIt() {
    var r = importOne(domain(iface("p", "52:54:00:00:00:03", 3,
        "<bandwidth><inbound burst='64' floor='5'/></bandwidth>")));
    assertThat(r.status().interfaces().get(InterfaceAlias.of("p")).bandwidth().inbound())
        .contains(Limits.floorOnly(Rate.ofKilobytesPerSecond(5)));
    assertThat(interfaceWarnings(r)).singleElement().asString()
        .contains("inbound peak/burst without an average");
  }

  /** The largest average NetFloor holds is a number like any other, also when it is relaxed. */
  @Test
  void aPeakBelowTheLargestAverageIsRelaxed() {
    long max = LibvirtBandwidthXml.MAX_REPRESENTABLE_KBPS;
    var r = importOne(domain(iface("p", "52:54:00:00:00:03", 0, "<bandwidth><inbound average='"
        + max + "' peak='" + (max - 1) + "'/></bandwidth>")));
    Limits in = r.status().interfaces().get(InterfaceAlias.of("p")).bandwidth().inbound().orElseThrow();
    assertThat(in.average()).contains(Rate.ofKilobytesPerSecond(max - 1));
    assertThat(in.peak()).isEmpty();
  }

  @Test
  void anEmptyOrUnusableNameGetsADerivedOne() {
    String empty = LibvirtStatusImport.deriveNetworkName("").value();
    assertThat(empty).matches("libvirt-[0-9a-f]{8}");
    assertThat(NetworkName.of(empty).value()).isEqualTo(empty);
    assertThat(LibvirtStatusImport.deriveNetworkName("\u00e9\u00e8").value()).matches("__-[0-9a-f]{8}");
  }

  /** Each bound lets a value exactly at it through: only beyond it is the input refused. */
  @Test
  void inputsExactlyAtTheirBoundAreRead(@TempDir Path tmp) throws IOException {
    int max = LibvirtStatusImport.MAX_DOCUMENT_BYTES;
    String base = network("");
    String padded = base + " ".repeat(max - base.length());
    assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(max);
    assertThat(LibvirtStatusImport.fromXml("net.xml", padded, Map.of()).status().network().value())
        .isEqualTo("default");
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("net.xml", padded + " ", Map.of()))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageStartingWith("net.xml: " + (max + 1) + " characters is more than");
    // within the bound in characters, beyond it in bytes
    String wide = base + "<!--" + "\u00e9".repeat((max - base.length()) / 2) + "-->";
    assertThat(wide.length()).isLessThanOrEqualTo(max);
    assertThatThrownBy(() -> LibvirtStatusImport.fromXml("net.xml", wide, Map.of()))
        .isExactlyInstanceOf(StatusStoreException.class).hasMessageContaining(" bytes is more than");
    String wideAtBound = base + "<!--" + "\u00e9".repeat((max - base.length() - 7) / 2) + "-->";
    wideAtBound += " ".repeat(max - wideAtBound.getBytes(StandardCharsets.UTF_8).length);
    assertThat(wideAtBound.getBytes(StandardCharsets.UTF_8)).hasSize(max);
    assertThat(LibvirtStatusImport.fromXml("net.xml", wideAtBound, Map.of()).status().network().value())
        .isEqualTo("default");
    Path file = Files.writeString(tmp.resolve("net.xml"), padded);
    assertThat(LibvirtStatusImport.fromFiles(file, List.of()).status().network().value())
        .isEqualTo("default");
    Files.writeString(file, padded + " ");
    assertThatThrownBy(() -> LibvirtStatusImport.fromFiles(file, List.of()))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageStartingWith(file + ": more than " + max + " bytes");

    int bitmapMax = LibvirtStatusImport.MAX_BITMAP_CHARS;
    String bitmap = "3" + " ".repeat(bitmapMax - 1);
    assertThat(LibvirtStatusImport.parseBitmap("net.xml", bitmap)).containsExactly(3);
    assertThatThrownBy(() -> LibvirtStatusImport.parseBitmap("net.xml", bitmap + " "))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageContaining((bitmapMax + 1) + " characters long");
    assertThat(LibvirtStatusImport.parseBitmap("net.xml", "3-3,5")).containsExactly(3, 5);
  }

  /** A bad value is quoted whole up to 40 characters, and cut after that. */
  @Test
  void badValuesAreQuotedWholeUpTo40Characters() {
    String forty = "x".repeat(40);
    assertThatThrownBy(() -> importOne(domain(iface("p", forty, 0, ""))))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageContaining("interface MAC address '" + forty + "':");
    assertThatThrownBy(() -> importOne(domain(iface("p", forty + "y", 0, ""))))
        .isExactlyInstanceOf(StatusStoreException.class)
        .hasMessageContaining("interface MAC address '" + forty + "…':");
  }

  private static NetworkConfig config(long averageKbps) {
    return NetworkConfig.builder("default", "virbr0")
        .inbound(Limits.averageOnly(Rate.ofKilobytesPerSecond(averageKbps)))
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).trafficMatch(TrafficMatch.IPV4_ONLY)
        .admissionLimit(AdmissionLimit.AVERAGE).build();
  }

  /** Floors that exactly use up the capacity fit: nothing is changed and nothing is said. */
  @Test
  void floorsThatExactlyFitTheCapacityAreKept() {
    var r = importOne(domain(
        iface("a", "52:54:00:00:00:03", 3, "<bandwidth><inbound floor='600'/></bandwidth>"),
        iface("b", "52:54:00:00:00:04", 4, "<bandwidth><inbound floor='400'/></bandwidth>"),
        iface("c", "52:54:00:00:00:05", 0, "<bandwidth><inbound average='50'/></bandwidth>")));
    var exact = r.fitTo(config(1000));
    assertThat(exact.status().interfaces()).isEqualTo(r.status().interfaces());
    assertThat(exact.warnings()).isEqualTo(r.warnings());
    // one floor alone exactly at the capacity is kept as well
    var single = importOne(domain(
        iface("a", "52:54:00:00:00:03", 3, "<bandwidth><inbound floor='600'/></bandwidth>"),
        iface("c", "52:54:00:00:00:05", 0, "<bandwidth><inbound average='50'/></bandwidth>")));
    var atCap = single.fitTo(config(600));
    assertThat(atCap.status().interfaces()).isEqualTo(single.status().interfaces());
    assertThat(atCap.warnings()).isEqualTo(single.warnings());
    // one kB/s less: both scaled, and the interface without a floor is never mentioned
    var scaled = r.fitTo(config(999));
    assertThat(scaled.status().interfaces().get(InterfaceAlias.of("c"))).isEqualTo(r.status().interfaces().get(InterfaceAlias.of("c")));
    assertThat(scaled.warnings()).noneMatch(w -> w.contains("interface c"));
    assertThat(scaled.warnings()).anyMatch(w -> w.contains("interface a: floor"))
        .anyMatch(w -> w.contains("interface b: floor"));
    var none = r.fitTo(NetworkConfig.builder("default", "virbr0")
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).build());
    assertThat(none.warnings()).noneMatch(w -> w.contains("interface c"));
    assertThat(none.status().interfaces().get(InterfaceAlias.of("c"))).isEqualTo(r.status().interfaces().get(InterfaceAlias.of("c")));
  }

  /**
   * Two floors of the largest rate: their sum needs all 64 bits unsigned, more than a rate holds;
   * the warning still states it exactly.
   */
  @Test
  void aFloorSumOfSixtyFourBitsIsStatedExactly() {
    long max = LibvirtBandwidthXml.MAX_REPRESENTABLE_KBPS;
    String floor = "<bandwidth><inbound average='" + max + "' floor='" + max + "'/></bandwidth>";
    var r = LibvirtStatusImport.fromXml("net.xml", network("").replace("<network>",
        "<floor sum='1'/><network>"), Map.of("vm.xml", domain(
            iface("a", "52:54:00:00:00:03", 3, floor), iface("b", "52:54:00:00:00:04", 4, floor))));
    java.math.BigInteger sum = java.math.BigInteger.valueOf(max * 8000).shiftLeft(1);
    assertThat(sum.bitLength()).isEqualTo(64);
    assertThat(r.warnings()).anyMatch(w -> w.contains("floors add up to " + sum + " bit/s"));
  }
}
