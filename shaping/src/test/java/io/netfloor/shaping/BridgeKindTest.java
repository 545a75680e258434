// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import org.junit.jupiter.api.Test;

/**
 * A network is refused, before anything changes, when its "bridge" is another kind of device: the
 * kernel would accept the tree on a veth and shape only that port.
 */
class BridgeKindTest {
  private final InMemoryStatusStore store = new InMemoryStatusStore();

  private static NetworkConfig on(String device) {
    return NetworkConfig.builder("net", device)
        .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build();
  }

  @Test
  void aVethIsRefusedAtStartNamingTheDeviceAndItsKind() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl()
        .addDevice(InterfaceName.of("br0"))
        .addDevice(InterfaceName.of("vnet1"), "veth");
    NetworkShaper shaper = NetworkShaperTest.create(on("vnet1"), kernel, store);
    for (Runnable start : new Runnable[] {shaper::start, shaper::startReplacing,
        () -> shaper.adopt(NetworkStatus.empty(NetworkName.of("net"), InterfaceName.of("vnet1")))}) {
      assertThatThrownBy(start::run)
          .isExactlyInstanceOf(InvalidValueException.class)
          .hasMessage("device vnet1 of network 'net' is a veth device, not a bridge; NetFloor"
              + " shapes the bridge the interfaces are ports of: give the bridge's name"
              + " ('ip -d link show type bridge' lists them)");
    }
    assertThat(kernel.objects()).isEmpty();
    assertThat(kernel.operationCount()).isZero();
    assertThat(store.load("net")).isEmpty();
  }

  @Test
  void aDeviceWithoutAKindIsRefusedToo() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl()
        .addDevice(InterfaceName.of("eth0"), "");
    assertThatThrownBy(() -> NetworkShaperTest.create(on("eth0"), kernel, store).start())
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("device eth0 of network 'net' is a device without a link kind"
            + " (a physical NIC?), not a bridge");
    assertThat(kernel.objects()).isEmpty();
  }

  @Test
  void aBridgeStartsAndIfbDevicesReportTheirKind() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(InterfaceName.of("br0"));
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("100mbit")))
        .outbound(Limits.averageOnly(Rate.parse("50mbit")))
        .outboundShaping(io.netfloor.model.OutboundShaping.IFB_REDIRECT).build();
    NetworkShaperTest.create(config, kernel, store).start();
    assertThat(kernel.deviceKind(InterfaceName.of("br0"))).contains("bridge");
    assertThat(kernel.objects()).isNotEmpty();
    InterfaceName ifb = kernel.objects().stream()
        .filter(o -> o instanceof io.netfloor.plan.IfbDevice).findFirst().orElseThrow().device();
    assertThat(kernel.deviceKind(ifb)).contains("ifb");
    assertThatThrownBy(() -> kernel.deviceKind(InterfaceName.of("nosuch0")))
        .isInstanceOf(io.netfloor.spi.TrafficControlException.class)
        .hasMessageContaining("no such device");
  }
}
