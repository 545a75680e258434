// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.AdmissionLimit;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TrafficMatch;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.FileStatusStore;
import io.netfloor.persistence.LibvirtStatusImport;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bridge shaped by libvirt's own tc commands (network start and plugs, with pfifo where this kernel
 * lacks sfq, and without the vestigial fw filter) is taken over from libvirt's status files: classes
 * and filters stay, only class parameters change, and NetFloor then plugs with the next id of
 * libvirt's bitmap.
 */
class LibvirtAdoptionTest {
  static final String NETWORK_STATUS = """
      <networkstatus>
        <class_id bitmap='0-4'/>
        <floor sum='3750'/>
        <network>
          <name>default</name>
          <forward mode='nat'/>
          <bridge name='br0'/>
          <bandwidth><inbound average='12500' peak='25000'/></bandwidth>
        </network>
      </networkstatus>""";
  static final String DOMAIN_STATUS = """
      <domstatus state='running'>
        <domain type='kvm'>
          <name>vm1</name>
          <uuid>11111111-2222-3333-4444-555555555555</uuid>
          <devices>
            <interface type='network'>
              <mac address='52:54:00:12:34:56'/>
              <source network='default' portid='aaaaaaaa-0000-4000-8000-000000000003' bridge='br0'/>
              <actual type='network'><class id='3'/>
                <bandwidth><inbound floor='2500'/></bandwidth></actual>
            </interface>
            <interface type='network'>
              <mac address='52:54:00:12:34:57'/>
              <source network='default' portid='aaaaaaaa-0000-4000-8000-000000000004' bridge='br0'/>
              <actual type='network'><class id='4'/>
                <bandwidth><inbound floor='1250'/></bandwidth></actual>
            </interface>
          </devices>
        </domain>
      </domstatus>""";

  /**
   * Every u32 table and node on br0 as {@code HANDLE -> FLOWID} ({@code -} for none), in tc's order,
   * e.g. {@code 800: -> -} and {@code 800::803 -> 1:3}.
   */
  static List<String> handlesAndFlows(TestNamespace ns) {
    return TcOracle.filters(ns, "br0").stream()
        .map(f -> f.handle() + " -> " + f.flowId().map(Object::toString).orElse("-")).toList();
  }

  /** libvirt's commands for the network start and two plugs (ids 3 and 4). */
  static LeafQdiscKind shapeLikeLibvirt(TestNamespace ns) {
    LeafQdiscKind leaf = startLikeLibvirt(ns);
    plug(ns, leaf, 3, "0x00123456", "2500kbps");
    plug(ns, leaf, 4, "0x00123457", "1250kbps");
    ns.tc("class", "change", "dev", "br0", "classid", "1:2", "htb", "rate", "21250kbps", "ceil",
        "25000kbps", "quantum", "1066");
    return leaf;
  }

  /**
   * libvirt's network start for {@code <inbound average='12500' peak='25000'/>}: its
   * {@code sfq perturb 10} leaf where the kernel has sfq, else pfifo.
   *
   * @return the leaf qdisc kind used, for this and every plug
   */
  static LeafQdiscKind startLikeLibvirt(TestNamespace ns) {
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "1:", "htb", "default", "2");
    ns.tc("class", "add", "dev", "br0", "parent", "1:", "classid", "1:1", "htb", "rate", "12500kbps",
        "ceil", "25000kbps", "quantum", "1066");
    ns.tc("class", "add", "dev", "br0", "parent", "1:1", "classid", "1:2", "htb", "rate",
        "12500kbps", "ceil", "25000kbps", "quantum", "1066");
    try {
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:2", "handle", "2:", "sfq", "perturb", "10");
      return LeafQdiscKind.SFQ;
    } catch (IllegalStateException noSfq) {
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:2", "handle", "2:", "pfifo", "limit", "1000");
      return LeafQdiscKind.PFIFO;
    }
  }

  /**
   * libvirt's plug of class id {@code id}: class {@code 1:%x}, leaf {@code %x:}, and the u32
   * filter {@code 800::} followed by the decimal digits of 800 + id.
   */
  static void plug(TestNamespace ns, LeafQdiscKind leaf, int id, String macLow, String floor) {
    String hex = Integer.toHexString(id);
    ns.tc("class", "add", "dev", "br0", "parent", "1:1", "classid", "1:" + hex, "htb", "rate", floor,
        "ceil", "25000kbps", "quantum", "1");
    if (leaf == LeafQdiscKind.SFQ) {
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:" + hex, "handle", hex + ":", "sfq",
          "perturb", "10");
    } else {
      ns.tc("qdisc", "add", "dev", "br0", "parent", "1:" + hex, "handle", hex + ":", "pfifo",
          "limit", "1000");
    }
    ns.tc("filter", "add", "dev", "br0", "protocol", "ip", "prio", "2", "handle", "800::" + (800 + id),
        "u32", "match", "u16", "0x0800", "0xffff", "at", "-2", "match", "u32", macLow, "0xffffffff",
        "at", "-12", "match", "u16", "0x5254", "0xffff", "at", "-14", "flowid", "1:" + hex);
  }

  static NetworkConfig libvirtConfig(LeafQdiscKind leaf) {
    return NetworkConfig.builder("default", "br0")
        .inbound(Limits.builder().average(Rate.ofKilobytesPerSecond(12500))
            .peak(Rate.ofKilobytesPerSecond(25000)).build())
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).trafficMatch(TrafficMatch.IPV4_ONLY)
        .admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT).leafQdisc(leaf).build();
  }

  @Test
  void takesOverALibvirtTreeWithClassChangesOnly(@TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      LeafQdiscKind leaf = shapeLikeLibvirt(ns);
      Map<ClassHandle, TcOracle.HtbClass> libvirtClasses = TcOracle.classes(ns, "br0");
      LibvirtStatusImport.Result imported = LibvirtStatusImport.fromXml("default.xml",
          NETWORK_STATUS, Map.of("vm1.xml", DOMAIN_STATUS));
      assertThat(imported.warnings()).isEmpty();

      NetworkConfig config = libvirtConfig(leaf);
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
        ReconcileReport report = shaper.adopt(imported.status());

        // class changes only, plus NetFloor's mark (a node in a table no packet walks)
        assertThat(report.repairs().ops()).as("%s", report).isNotEmpty()
            .allMatch(op -> op instanceof TcOp.Change
                || (op instanceof TcOp.Add && op.object() instanceof U32OwnerMark));
        Map<ClassHandle, TcOracle.HtbClass> after = TcOracle.classes(ns, "br0");
        assertThat(after.keySet()).isEqualTo(libvirtClasses.keySet());
        after.forEach((id, c) -> assertThat(c.rate()).as("rate of %s", id)
            .isEqualTo(libvirtClasses.get(id).rate()));
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        // libvirt's 1:1 keeps the quantum it was created with (the kernel sets a quantum on leaf
        // classes only): a later reconcile must not try to change it again and again
        assertThat(shaper.reconcile().wasClean()).as("second reconcile").isTrue();

        assertThat(shaper.plug("vm2-net0", MacAddress.parse("52:54:00:ab:cd:ef"),
            Bandwidth.floor(Rate.ofKilobytesPerSecond(1000)))).isEqualTo(ClassHandle.parse("1:5"));
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
      }
    }
  }

  /** Guests of the second test: class ids and floors (kB/s); libvirt's other ids were unplugged. */
  private static final int[] IDS = {3, 10, 16, 150};
  private static final int[] FLOORS = {2500, 1250, 1000, 500};

  private static String portId(int id) {
    return String.format("aaaaaaaa-0000-4000-8000-%012d", id);
  }

  private static MacAddress guestMac(int id) {
    return MacAddress.parse(String.format("52:54:00:10:00:%02x", id));
  }

  /** libvirt's status of the second test: bitmap and floor sum of exactly the four guests. */
  private static String networkStatusOfFourGuests() {
    return NETWORK_STATUS.replace("0-4", "0-3,10,16,150").replace("3750", "5250");
  }

  private static String domainStatusOfFourGuests() {
    StringBuilder xml = new StringBuilder("""
        <domstatus state='running'><domain type='kvm'><name>vm1</name>
        <uuid>11111111-2222-3333-4444-555555555555</uuid><devices>
        """);
    for (int i = 0; i < IDS.length; i++) {
      xml.append(String.format("""
          <interface type='network'><mac address='%s'/>
            <source network='default' portid='%s' bridge='br0'/>
            <actual type='network'><class id='%d'/>
              <bandwidth><inbound floor='%d'/></bandwidth></actual>
          </interface>
          """, guestMac(IDS[i]), portId(IDS[i]), IDS[i], FLOORS[i]));
    }
    return xml.append("</devices></domain></domstatus>").toString();
  }

  /**
   * Guests with class ids 3, 10, 16 and 150, whose libvirt filter handles 800::803, 800::810,
   * 800::816 and 800::950 are decimal digits read as hex: adoption keeps every filter (same handles,
   * same flowids, per {@code tc -j}) and changes classes only; later plugs and unplugs use the same
   * handles libvirt would.
   */
  @Test
  void keepsLibvirtsFilterHandlesOfTwoAndThreeDigitClassIds(@TempDir Path dir) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      LeafQdiscKind leaf = startLikeLibvirt(ns);
      // libvirt's nftables backend adds its DHCP checksum filter at network start (its action,
      // csum, is missing on some kernels: the same match stands in): node 800::800
      ns.tc("filter", "add", "dev", "br0", "parent", "1:", "protocol", "ip", "prio", "2", "u32",
          "match", "ip", "dport", "68", "0xffff");
      for (int i = 0; i < IDS.length; i++) {
        MacAddress mac = guestMac(IDS[i]);
        plug(ns, leaf, IDS[i], String.format("0x%02x%02x%02x%02x", mac.octet(2), mac.octet(3),
            mac.octet(4), mac.octet(5)), FLOORS[i] + "kbps");
      }
      ns.tc("class", "change", "dev", "br0", "classid", "1:2", "htb", "rate", "19750kbps", "ceil",
          "25000kbps", "quantum", "1066"); // 25000 − 5250
      List<String> libvirtFilters = handlesAndFlows(ns);
      assertThat(libvirtFilters).contains("800::800 -> -", "800::803 -> 1:3", "800::810 -> 1:a",
          "800::816 -> 1:10", "800::950 -> 1:96");
      Map<ClassHandle, TcOracle.HtbClass> libvirtClasses = TcOracle.classes(ns, "br0");

      LibvirtStatusImport.Result imported = LibvirtStatusImport.fromXml("default.xml",
          networkStatusOfFourGuests(), Map.of("vm1.xml", domainStatusOfFourGuests()));
      assertThat(imported.warnings()).isEmpty();

      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name());
          FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
        NetworkShaper shaper = NetworkShaperTest.create(libvirtConfig(leaf), tc, store);
        ReconcileReport report = shaper.adopt(imported.status());

        // class changes only: no filter, leaf or class is deleted or added; NetFloor only adds its
        // mark (a one-bucket table 7fe: and its node, which no packet walks)
        assertThat(report.repairs().ops()).as("%s", report).isNotEmpty()
            .filteredOn(op -> !(op.object() instanceof U32OwnerMark))
            .allSatisfy(op -> assertThat(op).isInstanceOfSatisfying(TcOp.Change.class,
                c -> assertThat(c.after()).isInstanceOf(HtbClass.class)));
        assertThat(report.repairs().ops()).filteredOn(op -> op.object() instanceof U32OwnerMark)
            .singleElement().isInstanceOf(TcOp.Add.class);
        assertThat(handlesAndFlows(ns))
            .filteredOn(f -> !f.startsWith("7fe:")).isEqualTo(libvirtFilters);
        Map<ClassHandle, TcOracle.HtbClass> after = TcOracle.classes(ns, "br0");
        assertThat(after.keySet()).isEqualTo(libvirtClasses.keySet());
        after.forEach((id, c) -> assertThat(c.rate()).as("rate of %s", id)
            .isEqualTo(libvirtClasses.get(id).rate()));
        for (int id : IDS) {
          assertThat(shaper.tree().find(portId(id)).orElseThrow().filterHandle().orElseThrow()
              .toString()).isEqualTo("800::" + (800 + id));
        }
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());

        // the lowest id libvirt's bitmap leaves free, with libvirt's handle for it
        assertThat(shaper.plug("vm2-net0", MacAddress.parse("52:54:00:ab:cd:ef"),
            Bandwidth.floor(Rate.ofKilobytesPerSecond(1000)))).isEqualTo(ClassHandle.parse("1:4"));
        assertThat(shaper.unplug(portId(16))).isTrue();
        List<String> expected = new java.util.ArrayList<>(libvirtFilters);
        expected.remove("800::816 -> 1:10");
        expected.add(expected.indexOf("800::810 -> 1:a"), "800::804 -> 1:4"); // tc lists by node
        assertThat(handlesAndFlows(ns)).filteredOn(f -> !f.startsWith("7fe:"))
            .isEqualTo(expected);
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        assertThat(shaper.reconcile().foreign()).anyMatch(f -> f.contains("800::800"));

        // stop: libvirt's root and its DHCP filter stay, everything NetFloor took over goes
        shaper.stop();
        assertThat(handlesAndFlows(ns)).containsExactly("800: -> -",
            "800::800 -> -");
        assertThat(TcOracle.classes(ns, "br0")).isEmpty();
        assertThat(ns.tc("qdisc", "show", "dev", "br0")).contains("qdisc htb 1: root");
      }
    }
  }
}
