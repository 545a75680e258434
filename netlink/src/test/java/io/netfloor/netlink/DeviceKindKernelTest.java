// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netfloor.spi.TrafficControl;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.InterfaceName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NetlinkTrafficControl#deviceKind}: the kernel's {@code IFLA_INFO_KIND}, as {@code ip -d
 * link} shows it, in a throwaway namespace.
 */
class DeviceKindKernelTest {
  @BeforeEach
  void root() {
    TestNamespace.assumeRoot();
  }

  @Test
  void reportsTheKernelsKindOfEachDevice() {
    try (TestNamespace ns = TestNamespace.create().bridge("br0")) {
      ns.ip("link", "add", "vnet1", "type", "veth", "peer", "name", "vnet1p");
      ns.ip("link", "add", "ifb9", "type", "ifb");
      try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace(ns.name())) {
        assertThat(tc.deviceKind(InterfaceName.of("br0"))).contains(TrafficControl.BRIDGE_KIND);
        assertThat(tc.deviceKind(InterfaceName.of("vnet1"))).contains("veth");
        assertThat(tc.deviceKind(InterfaceName.of("ifb9"))).contains("ifb");
        // loopback has no rtnetlink link ops, so no IFLA_LINKINFO: no kind, as for a physical NIC
        assertThat(tc.deviceKind(InterfaceName.of("lo"))).isEmpty();
        // the oracle agrees: ip -d link names the same kinds
        assertThat(ns.ip("-d", "link", "show", "vnet1")).contains("veth");
        NetlinkException missing = catchThrowableOfType(NetlinkException.class,
            () -> tc.deviceKind(InterfaceName.of("nosuch0")));
        assertThat(missing.errnoName()).contains("ENODEV");
        assertThat(missing.getMessage()).contains("no device nosuch0 in network namespace "
            + ns.name());
      }
    }
  }
}
