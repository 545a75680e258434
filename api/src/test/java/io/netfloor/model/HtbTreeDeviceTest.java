// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.TcObject;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An interface's own device: one owner at a time, released on unplug, checked on restore. */
class HtbTreeDeviceTest {
  private static final NetworkConfig NET = NetworkConfig.builder("net", "br0")
      .inbound(Limits.averageOnly(Rate.parse("100mbit")))
      .outboundShaping(OutboundShaping.IFB_REDIRECT).build();
  private static final Optional<InterfaceName> TAP = Optional.of(InterfaceName.of("tap0"));
  private static final Bandwidth OWN = Bandwidth.of(
      Limits.builder().average(Rate.parse("20mbit")).floor(Rate.parse("5mbit")).build(),
      Limits.averageOnly(Rate.parse("10mbit")));

  private static MacAddress mac(int i) {
    return MacAddress.parse("52:54:00:00:00:0" + i);
  }

  @Test
  void aDeviceHasOneOwnerAndIsFreedByUnplug() {
    HtbTree t = HtbTree.empty(NET).plug("vm1", mac(1), TAP, OWN).tree();
    HtbTree held = t;
    assertThatThrownBy(() -> held.plug("vm2", mac(2), TAP, Bandwidth.NONE))
        .isInstanceOf(InterfaceConflictException.class)
        .hasMessageContaining("tap0").hasMessageContaining("vm1");
    assertThatThrownBy(() -> held.plug("vm2", mac(2), Optional.of(InterfaceName.of("br0")), OWN))
        .isInstanceOf(InterfaceConflictException.class).hasMessageContaining("bridge");
    t = t.unplug("vm1").tree();
    assertThat(t.plug("vm2", mac(2), TAP, Bandwidth.NONE).tree().interfaces()).containsKey("vm2");
  }

  @Test
  void ownLimitsLiveOnTheDeviceAndTheOutboundGoesThroughAnIfb() {
    TreeChange c = HtbTree.empty(NET).plug("vm1", mac(1), TAP, OWN);
    List<TcObject> onTap = new ArrayList<>();
    for (TcObject o : c.tree().kernelObjects()) {
      if (o.device().equals(TAP.get())) {
        onTap.add(o);
      }
    }
    assertThat(onTap).anyMatch(o -> o instanceof HtbClass h && h.rate().equals(Rate.parse("20mbit")));
    assertThat(c.tree().kernelObjects()).anyMatch(o -> o instanceof IfbDevice d
        && d.device().equals(DeviceShaping.ifbFor(TAP.get())));
    // unplug takes every object of the interface away, on the bridge and on its device
    TreeChange gone = c.tree().unplug("vm1");
    assertThat(gone.tree().kernelObjects()).noneMatch(o -> o.device().equals(TAP.get()));
  }

  @Test
  void restoreRefusesADeviceGivenTwice() {
    PluggedInterface a = new PluggedInterface("vm1", mac(1), Bandwidth.NONE, 0, Optional.empty(), TAP);
    PluggedInterface b = new PluggedInterface("vm2", mac(2), Bandwidth.NONE, 0, Optional.empty(), TAP);
    assertThatThrownBy(() -> HtbTree.restore(NET, List.of(a, b), List.of()))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("tap0")
        .hasMessageContaining("vm1");
  }
}
