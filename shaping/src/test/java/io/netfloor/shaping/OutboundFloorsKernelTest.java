// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.DeviceShaping;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundFloorPlacement;
import io.netfloor.model.PluggedInterface;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Outbound floors on the real kernel, for both placements and both filter layouts: the tree on the
 * bridge's ifb (fed by the bridge's ingress through mirred) or on the uplink's egress, checked
 * against {@code tc -j}: classes at the outbound floors, a source-MAC u32 node per floored
 * interface with the interface's one filter handle, the inbound tree beside it unchanged in kind;
 * admission in the outbound direction, reconcile of damage, a restart, unplug and stop.
 */
class OutboundFloorsKernelTest {
  private static final MacAddress VM1 = MacAddress.parse("52:54:00:00:01:01");
  private static final MacAddress VM2 = MacAddress.parse("52:54:00:00:02:02");
  private static final MacAddress VM3 = MacAddress.parse("52:54:00:00:03:03");
  private static final MacAddress VM4 = MacAddress.parse("52:54:00:00:04:04");

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"BRIDGE_INGRESS, HASHED", "BRIDGE_INGRESS, LIBVIRT_LINEAR", "UPLINK_EGRESS, HASHED",
      "UPLINK_EGRESS, LIBVIRT_LINEAR"})
  void theOutboundTreeHoldsTheOutboundFloorsAndIsReconciledAndRemoved(
      OutboundFloorPlacement.Kind kind, FilterLayout layout) {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      ns.ip("link", "add", "up0", "type", "veth", "peer", "name", "out0");
      ns.ip("link", "set", "up0", "master", "br0");
      ns.ip("link", "set", "up0", "up");
      OutboundFloorPlacement placement = kind == OutboundFloorPlacement.Kind.BRIDGE_INGRESS
          ? OutboundFloorPlacement.bridgeIngress()
          : OutboundFloorPlacement.uplinkEgress(InterfaceName.of("up0"));
      NetworkConfig config = NetworkConfig.builder("outnet", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit")))
          .outbound(Limits.averageOnly(Rate.parse("80mbit")))
          .filterLayout(layout).outboundFloors(placement).build();
      String dev = kind == OutboundFloorPlacement.Kind.BRIDGE_INGRESS
          ? DeviceShaping.ifbFor(InterfaceName.of("br0")).value() : "up0";
      InMemoryStatusStore store = new InMemoryStatusStore();
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, store);
        shaper.start();
        if (kind == OutboundFloorPlacement.Kind.BRIDGE_INGRESS) {
          assertThat(ns.tc("filter", "show", "dev", "br0", "ingress")).contains("mirred")
              .contains(dev);
        }
        shaper.plug("vm1", VM1, Bandwidth.floor(Rate.parse("30mbit"))
            .withOutboundFloor(Rate.parse("40mbit")));
        shaper.plug("vm2", VM2, Bandwidth.NONE.withOutboundFloor(Rate.parse("20mbit")));
        shaper.plug("vm3", VM3, Bandwidth.floor(Rate.parse("10mbit")));
        shaper.plug("vm4", VM4, Bandwidth.NONE);
        assertBothTreesAgree(ns, dev, shaper.tree());
        assertThat(shaper.outboundCapacity().remaining()).isEqualTo(Rate.parse("20mbit"));

        // admission in the outbound direction: refused, named, nothing changed
        String before = ns.tc("class", "show", "dev", dev) + ns.tc("filter", "show", "dev", dev);
        assertThatThrownBy(() -> shaper.plug("vm5", MacAddress.parse("52:54:00:00:05:05"),
            Bandwidth.NONE.withOutboundFloor(Rate.parse("30mbit"))))
            .isExactlyInstanceOf(AdmissionException.class)
            .hasMessageContaining("outbound floor of 30mbit")
            .hasMessageContaining("at most 80mbit outbound (20mbit left)");
        assertThatThrownBy(() -> shaper.update("vm2",
            Bandwidth.NONE.withOutboundFloor(Rate.parse("50mbit"))))
            .isExactlyInstanceOf(AdmissionException.class);
        assertThat(ns.tc("class", "show", "dev", dev) + ns.tc("filter", "show", "dev", dev))
            .isEqualTo(before);

        // damage by hand: a class deleted with its filter, a rate changed; reconcile repairs
        PluggedInterface vm2 = shaper.tree().find("vm2").orElseThrow();
        ClassHandle c2 = vm2.floorClass().orElseThrow();
        ns.tc("filter", "del", "dev", dev, "parent", "1:", "prio", "1", "handle",
            vm2.filterHandle().orElseThrow().toString(), "protocol", "all", "u32");
        ns.tc("qdisc", "del", "dev", dev, "parent", c2.toString());
        ns.tc("class", "del", "dev", dev, "classid", c2.toString());
        ns.tc("class", "change", "dev", dev, "classid", "1:2", "parent", "1:1", "htb", "rate",
            "1mbit", "ceil", "80mbit");
        assertThat(shaper.reconcile().wasClean()).isFalse();
        assertBothTreesAgree(ns, dev, shaper.tree());
        assertThat(shaper.reconcile().wasClean()).isTrue();

        // a restart (a new engine over the same store) finds the kernel as stored
        NetworkShaper restarted = NetworkShaperTest.create(config, tc, store);
        assertThat(restarted.start().wasClean()).isTrue();
        assertThat(restarted.tree().outboundFloorSum()).isEqualTo(Rate.parse("60mbit"));

        restarted.update("vm1", Bandwidth.floor(Rate.parse("30mbit")));
        restarted.unplug("vm2");
        assertBothTreesAgree(ns, dev, restarted.tree());
        assertThat(TcOracle.classes(ns, dev).keySet().stream().map(ClassHandle::toString))
            .containsExactlyInAnyOrder("1:1", "1:2");

        restarted.stop();
        assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb")
            .doesNotContain("ingress");
        assertThat(ns.tc("qdisc", "show", "dev", "up0")).doesNotContain("htb");
        assertThat(ns.ip("link", "show")).doesNotContain("nfb-");
      }
    }
  }

  /**
   * The outbound tree on {@code dev} and the inbound tree on br0, read with {@code tc}: the
   * outbound classes at the outbound floors (1:2 what they leave), one source-MAC node per
   * interface with an outbound floor, using the interface's filter handle; the inbound classes
   * only for inbound floors.
   */
  static void assertBothTreesAgree(TestNamespace ns, String dev, HtbTree tree) {
    Map<String, Rate> expected = new TreeMap<>();
    expected.put("1:1", tree.config().bandwidth().outbound().orElseThrow().average().orElseThrow());
    expected.put("1:2", tree.outboundDefaultClassRate());
    Map<String, String> expectedFilters = new TreeMap<>();
    Map<String, MacAddress> macs = new HashMap<>();
    Map<String, Rate> expectedInbound = new TreeMap<>();
    expectedInbound.put("1:1", tree.config().inboundAverage().orElseThrow());
    expectedInbound.put("1:2", tree.defaultClassRate());
    for (PluggedInterface p : tree.interfaces().values()) {
      if (p.bandwidth().hasOutboundFloor()) {
        String c = p.floorClass().orElseThrow().toString();
        expected.put(c, p.bandwidth().outboundFloorOrZero());
        expectedFilters.put(p.filterHandle().orElseThrow().toString(), c);
        macs.put(c, p.mac());
      }
      if (p.bandwidth().hasFloor()) {
        expectedInbound.put(p.floorClass().orElseThrow().toString(), p.bandwidth().floorOrZero());
      }
    }
    Map<String, Rate> classes = new TreeMap<>();
    TcOracle.classes(ns, dev).forEach((k, v) -> classes.put(k.toString(), v.rate()));
    assertThat(classes).as("classes on %s", dev).isEqualTo(expected);
    Map<String, Rate> inbound = new TreeMap<>();
    TcOracle.classes(ns, "br0").forEach((k, v) -> inbound.put(k.toString(), v.rate()));
    assertThat(inbound).as("classes on br0").isEqualTo(expectedInbound);

    Map<String, String> filters = new TreeMap<>();
    for (TcOracle.Filter f : TcOracle.filters(ns, dev)) {
      if (f.flowId().isEmpty()) {
        continue;
      }
      String c = f.flowId().get().toString();
      filters.put(f.handle(), c);
      MacAddress m = macs.get(c);
      // source MAC bytes 0-3 at -8, bytes 4-5 in the high half of the word at -4
      assertThat(new TreeSet<>(f.keys().stream().map(TcOracle.Key::toString).toList()))
          .as("keys of %s", f.handle()).containsExactlyInAnyOrder(
              new TcOracle.Key(m.octet(0) << 24 | m.octet(1) << 16 | m.octet(2) << 8 | m.octet(3),
                  0xffffffff, -8).toString(),
              new TcOracle.Key(m.octet(4) << 24 | m.octet(5) << 16, 0xffff0000, -4).toString());
    }
    assertThat(filters).as("source-MAC filters on %s", dev).isEqualTo(expectedFilters);
  }
}
