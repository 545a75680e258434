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
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.TcOp;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bridge shaped by libvirt's own tc commands (reference §2.3 and §2.5, with pfifo for the sfq this
 * kernel may lack, and without the vestigial fw filter) is taken over from libvirt's status files:
 * classes and filters stay, only class parameters change, and NetFloor then plugs with the next id
 * of libvirt's bitmap.
 */
class LibvirtAdoptionTest {
  private static final String NETWORK_STATUS = """
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
  private static final String DOMAIN_STATUS = """
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

  /** libvirt's commands for the network start and two plugs (ids 3 and 4). */
  private static void shapeLikeLibvirt(Netns ns) {
    ns.tc("qdisc", "add", "dev", "br0", "root", "handle", "1:", "htb", "default", "2");
    ns.tc("class", "add", "dev", "br0", "parent", "1:", "classid", "1:1", "htb", "rate", "12500kbps",
        "ceil", "25000kbps", "quantum", "1066");
    ns.tc("class", "add", "dev", "br0", "parent", "1:1", "classid", "1:2", "htb", "rate",
        "12500kbps", "ceil", "25000kbps", "quantum", "1066");
    ns.tc("qdisc", "add", "dev", "br0", "parent", "1:2", "handle", "2:", "pfifo", "limit", "1000");
    plug(ns, 3, "0x00123456", "2500kbps");
    plug(ns, 4, "0x00123457", "1250kbps");
    ns.tc("class", "change", "dev", "br0", "classid", "1:2", "htb", "rate", "21250kbps", "ceil",
        "25000kbps", "quantum", "1066");
  }

  private static void plug(Netns ns, int id, String macLow, String floor) {
    ns.tc("class", "add", "dev", "br0", "parent", "1:1", "classid", "1:" + id, "htb", "rate", floor,
        "ceil", "25000kbps", "quantum", "1");
    ns.tc("qdisc", "add", "dev", "br0", "parent", "1:" + id, "handle", id + ":", "pfifo", "limit",
        "1000");
    ns.tc("filter", "add", "dev", "br0", "protocol", "ip", "prio", "2", "handle", "800::" + (800 + id),
        "u32", "match", "u16", "0x0800", "0xffff", "at", "-2", "match", "u32", macLow, "0xffffffff",
        "at", "-12", "match", "u16", "0x5254", "0xffff", "at", "-14", "flowid", "1:" + id);
  }

  @Test
  void takesOverALibvirtTreeWithClassChangesOnly(@TempDir Path dir) {
    try (Netns ns = Netns.withBridge()) {
      shapeLikeLibvirt(ns);
      Map<ClassHandle, TcOracle.TcClass> libvirtClasses = TcOracle.classes(ns, "br0");
      LibvirtStatusImport.Result imported = LibvirtStatusImport.fromXml("default.xml",
          NETWORK_STATUS, Map.of("vm1.xml", DOMAIN_STATUS));
      assertThat(imported.warnings()).isEmpty();

      NetworkConfig config = NetworkConfig.builder("default", "br0")
          .inbound(Limits.builder().average(Rate.ofKilobytesPerSecond(12500))
              .peak(Rate.ofKilobytesPerSecond(25000)).build())
          .filterLayout(FilterLayout.LIBVIRT_LINEAR).trafficMatch(TrafficMatch.IPV4_ONLY)
          .admissionLimit(AdmissionLimit.PEAK_LIKE_LIBVIRT).leafQdisc(LeafQdiscKind.PFIFO).build();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name);
          FileStatusStore store = FileStatusStore.open(dir.resolve("state"))) {
        NetworkShaper shaper = NetworkShaper.create(config, tc, store);
        ReconcileReport report = shaper.adopt(imported.status());

        assertThat(report.repairs().ops()).as("%s", report).isNotEmpty()
            .allMatch(op -> op instanceof TcOp.Change);
        Map<ClassHandle, TcOracle.TcClass> after = TcOracle.classes(ns, "br0");
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
}
