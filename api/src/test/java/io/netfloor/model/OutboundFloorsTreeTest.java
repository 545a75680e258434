// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.MacField;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32HashLink;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The outbound floor tree in the model: its objects, admission, ids and restore. */
class OutboundFloorsTreeTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final InterfaceName IFB = DeviceShaping.ifbFor(BR);
  private static final MacAddress MAC1 = MacAddress.parse("52:54:00:00:00:11");
  private static final MacAddress MAC2 = MacAddress.parse("52:54:00:00:01:11");

  static NetworkConfig config(OutboundFloorPlacement placement) {
    return NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("100mbit")))
        .outbound(Limits.averageOnly(Rate.parse("50mbit")))
        .outboundFloors(placement).build();
  }

  private static Bandwidth out(String floor) {
    return Bandwidth.NONE.withOutboundFloor(Rate.parse(floor));
  }

  private static List<TcObject> on(HtbTree tree, InterfaceName dev) {
    return tree.kernelObjects().stream().filter(o -> o.device().equals(dev)).toList();
  }

  @Test
  void anOutboundFloorGetsAClassAndASourceMacFilterOnTheIfbOnly() {
    HtbTree tree = HtbTree.start(config(OutboundFloorPlacement.bridgeIngress())).tree();
    assertThat(tree.kernelObjects()).anyMatch(o -> o instanceof U32MatchAllRedirect r
        && r.device().equals(BR) && r.target().equals(IFB));
    assertThat(tree.kernelObjects()).anyMatch(o -> o instanceof U32HashLink l
        && l.device().equals(IFB) && l.hashOffset() == -4 && l.hashMask() == 0x00ff0000);
    List<TcObject> bridgeBefore = on(tree, BR);

    HtbTree one = tree.plug("vm1", MAC1, out("20mbit")).tree();
    HtbTree two = one.plug("vm2", MAC2, Bandwidth.floor(Rate.parse("10mbit"))
        .withOutboundFloor(Rate.parse("30mbit"))).tree();
    PluggedInterface vm1 = two.find("vm1").orElseThrow();
    PluggedInterface vm2 = two.find("vm2").orElseThrow();
    assertThat(vm1.effectiveClass()).isEqualTo(HtbTree.DEFAULT_CLASS);
    assertThat(vm1.outboundClass()).isEqualTo(ClassHandle.of(1, vm1.classMinor()));
    assertThat(on(one, BR)).as("an outbound-only floor leaves the bridge as it was")
        .isEqualTo(bridgeBefore);
    // both share bucket 0x11 of the hash table: distinct nodes, one handle per interface
    assertThat(vm1.filterHandle()).isNotEqualTo(vm2.filterHandle());
    U32MacFilter f1 = on(two, IFB).stream().filter(o -> o instanceof U32MacFilter f
        && f.mac().equals(MAC1)).map(o -> (U32MacFilter) o).findFirst().orElseThrow();
    assertThat(f1.field()).isEqualTo(MacField.SOURCE);
    assertThat(f1.handle()).isEqualTo(vm1.filterHandle().orElseThrow());
    assertThat(on(two, BR)).anyMatch(o -> o instanceof U32MacFilter f && f.mac().equals(MAC2)
        && f.field() == MacField.DESTINATION && f.handle().equals(vm2.filterHandle().get()));
    assertThat(two.outboundFloorSum()).isEqualTo(Rate.parse("50mbit"));
    assertThat(two.outboundDefaultClassRate()).isEqualTo(HtbTree.MIN_DEFAULT_RATE);
    assertThat(on(two, IFB)).anyMatch(o -> o instanceof HtbClass c
        && c.classId().equals(HtbTree.DEFAULT_CLASS) && c.rate().equals(HtbTree.MIN_DEFAULT_RATE));
  }

  @Test
  void admissionIsPerDirectionAndARefusalChangesNothing() {
    HtbTree tree = HtbTree.start(config(OutboundFloorPlacement.bridgeIngress())).tree()
        .plug("vm1", MAC1, out("40mbit")).tree();
    assertThatThrownBy(() -> tree.plug("vm2", MAC2, out("20mbit")))
        .isExactlyInstanceOf(AdmissionException.class)
        .hasMessageContaining("outbound floor of 20mbit")
        .hasMessageContaining("at most 50mbit outbound (10mbit left)");
    // the inbound capacity is another budget: 90mbit in fits beside 40mbit out
    assertThat(tree.plug("vm2", MAC2, Bandwidth.floor(Rate.parse("90mbit"))).tree().floorSum())
        .isEqualTo(Rate.parse("90mbit"));
    assertThatThrownBy(() -> tree.update("vm1", out("60mbit")))
        .isExactlyInstanceOf(AdmissionException.class);
    assertThat(tree.update("vm1", out("50mbit")).tree().outboundFloorSum())
        .isEqualTo(Rate.parse("50mbit"));

    HtbTree none = HtbTree.start(NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build()).tree();
    assertThatThrownBy(() -> none.plug("vm1", MAC1, out("1mbit")))
        .isExactlyInstanceOf(AdmissionException.class)
        .hasMessageContaining("guarantees no outbound floors");
  }

  @Test
  void thePlanBuildsTheChangeAndTheUndoTakesItBack() {
    NetworkConfig config = config(OutboundFloorPlacement.uplinkEgress(InterfaceName.of("up0")));
    HtbTree start = HtbTree.start(config).tree();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR)
        .addDevice(InterfaceName.of("up0"), "veth");
    kernel.apply(start.buildPlan());
    TreeChange plug = start.plug("vm1", MAC1, out("20mbit"));
    kernel.apply(plug.plan());
    assertThat(new HashSet<>(kernel.objects())).isEqualTo(new HashSet<>(plug.tree()
        .kernelObjects()));
    TreeChange moved = plug.tree().update("vm1", Bandwidth.floor(Rate.parse("5mbit")));
    kernel.apply(moved.plan());
    assertThat(new HashSet<>(kernel.objects())).isEqualTo(new HashSet<>(moved.tree()
        .kernelObjects()));
    kernel.apply(moved.undo());
    kernel.apply(plug.undo());
    assertThat(new HashSet<>(kernel.objects())).isEqualTo(new HashSet<>(start.kernelObjects()));
    kernel.apply(start.teardownPlan());
    assertThat(kernel.objects()).isEmpty();
  }

  @Test
  void configAndRestoreRefuseWhatCannotHold() {
    assertThatThrownBy(() -> NetworkConfig.builder("net", "br0")
        .outboundFloors(OutboundFloorPlacement.bridgeIngress()).build())
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("need the network's outbound limits");
    assertThatThrownBy(() -> config(OutboundFloorPlacement.uplinkEgress(BR)))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("not the bridge itself");
    assertThatThrownBy(() -> new OutboundFloorPlacement(OutboundFloorPlacement.Kind.UPLINK_EGRESS,
        Optional.empty())).isExactlyInstanceOf(InvalidValueException.class);

    NetworkConfig uplinked = config(OutboundFloorPlacement.uplinkEgress(InterfaceName.of("up0")));
    HtbTree tree = HtbTree.start(uplinked).tree();
    assertThatThrownBy(() -> tree.plug("vm1", MAC1, Optional.of(InterfaceName.of("up0")),
        Bandwidth.NONE)).isExactlyInstanceOf(InterfaceConflictException.class)
        .hasMessageContaining("carries network 'net''s outbound floors");

    HtbTree full = tree.plug("vm1", MAC1, out("50mbit")).tree();
    NetworkConfig smaller = uplinked.toBuilder()
        .outbound(Limits.averageOnly(Rate.parse("40mbit"))).build();
    assertThatThrownBy(() -> HtbTree.restore(smaller, full.interfaces().values(), List.of()))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("recorded outbound floors sum to 50mbit");
    NetworkConfig without = uplinked.toBuilder().outboundFloors(OutboundFloorPlacement.NONE)
        .build();
    assertThatThrownBy(() -> HtbTree.restore(without, full.interfaces().values(), List.of()))
        .isExactlyInstanceOf(InvalidValueException.class)
        .hasMessageContaining("has no outbound floor placement");
    assertThat(HtbTree.restore(uplinked, full.interfaces().values(), List.of())).isEqualTo(full);
  }
}
