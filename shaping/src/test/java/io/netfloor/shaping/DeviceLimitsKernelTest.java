// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.DeviceShaping;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundShaping;
import io.netfloor.netlink.NetlinkTrafficControl;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An interface's own limits on its host-side device (as libvirt sets them), on the real kernel:
 * inbound average/peak as HTB on the device's egress, outbound on its ingress — policed where the
 * kernel has {@code police}, else redirected to an ifb shaped by HTB — plus the network's own
 * outbound limit on the bridge. Unplug and stop remove all of it.
 */
class DeviceLimitsKernelTest {

  @Test
  void ownLimitsAreAppliedOnTheDeviceAndRemovedOnUnplugAndStop() {
    try (TestNamespace ns = TestNamespace.withBridge()) {
      ns.ip("link", "add", "tap0", "type", "veth", "peer", "name", "guest0");
      ns.ip("link", "set", "tap0", "master", "br0");
      ns.ip("link", "set", "tap0", "up");
      NetworkConfig config = NetworkConfig.builder("devnet", "br0")
          .inbound(Limits.averageOnly(Rate.parse("100mbit")))
          .outbound(Limits.averageOnly(Rate.parse("90mbit")))
          .filterLayout(FilterLayout.HASHED).build();
      Bandwidth bw = Bandwidth.of(
          Limits.builder().average(Rate.parse("50mbit")).peak(Rate.parse("80mbit"))
              .floor(Rate.parse("20mbit")).build(),
          Limits.averageOnly(Rate.parse("10mbit")));
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        NetworkShaper shaper = NetworkShaperTest.create(config, tc, new InMemoryStatusStore());
        shaper.start();
        OutboundShaping mode = shaper.config().outboundShaping();
        boolean police = tc.capabilities().police();
        assertThat(mode).isEqualTo(police ? OutboundShaping.POLICE : OutboundShaping.IFB_REDIRECT);
        assertIngressShaped(ns, "br0", mode, Rate.parse("90mbit"));

        shaper.plug("vm0", MacAddress.parse("52:54:00:00:00:01"),
            Optional.of(InterfaceName.of("tap0")), bw);
        Map<ClassHandle, TcOracle.HtbClass> own = TcOracle.classes(ns, "tap0");
        assertThat(own.get(ClassHandle.parse("1:1")).rate()).isEqualTo(Rate.parse("80mbit"));
        assertThat(own.get(ClassHandle.parse("1:2")).rate()).isEqualTo(Rate.parse("50mbit"));
        assertThat(own.get(ClassHandle.parse("1:2")).ceil()).isEqualTo(Rate.parse("80mbit"));
        assertIngressShaped(ns, "tap0", mode, Rate.parse("10mbit"));
        NetworkShaperKernelTest.assertKernelAgrees(ns, shaper.tree());
        assertThat(shaper.reconcile().wasClean()).isTrue();

        shaper.update("vm0", Bandwidth.of(Limits.averageOnly(Rate.parse("40mbit")), null));
        assertThat(TcOracle.classes(ns, "tap0").get(ClassHandle.parse("1:2")).rate())
            .isEqualTo(Rate.parse("40mbit"));
        assertThat(ns.tc("qdisc", "show", "dev", "tap0")).doesNotContain("ingress");
        assertThat(ns.ip("link", "show")).doesNotContain(DeviceShaping.ifbFor(
            InterfaceName.of("tap0")).value());

        shaper.unplug("vm0");
        assertThat(ns.tc("qdisc", "show", "dev", "tap0")).doesNotContain("htb");
        shaper.stop();
        assertThat(ns.tc("qdisc", "show", "dev", "br0")).doesNotContain("htb")
            .doesNotContain("ingress");
        assertThat(ns.ip("link", "show")).doesNotContain("nfb-");
      }
    }
  }

  private static void assertIngressShaped(TestNamespace ns, String dev, OutboundShaping mode, Rate rate) {
    assertThat(ns.tc("qdisc", "show", "dev", dev)).contains("ingress");
    String filters = ns.tc("filter", "show", "dev", dev, "ingress");
    if (mode == OutboundShaping.POLICE) {
      assertThat(filters).contains("police");
    } else {
      String ifb = DeviceShaping.ifbFor(InterfaceName.of(dev)).value();
      assertThat(filters).contains("mirred").contains(ifb);
      assertThat(ns.ip("link", "show", ifb)).contains("UP");
      assertThat(TcOracle.classes(ns, ifb).get(ClassHandle.parse("1:2")).rate()).isEqualTo(rate);
    }
  }
}
