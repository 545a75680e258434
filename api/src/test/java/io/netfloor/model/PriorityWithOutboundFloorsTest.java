// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Priorities and outbound floors together: a priority orders the inbound tree only, so its class
 * there exists for an inbound floor or a priority, and the outbound tree's class only for an
 * outbound floor.
 */
class PriorityWithOutboundFloorsTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final InterfaceName IFB = DeviceShaping.ifbFor(BR);
  private static final MacAddress MAC1 = MacAddress.parse("52:54:00:00:00:11");
  private static final MacAddress MAC2 = MacAddress.parse("52:54:00:00:00:12");

  private static NetworkConfig config(ClassStrategy strategy) {
    return NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("100mbit")))
        .outbound(Limits.averageOnly(Rate.parse("50mbit")))
        .outboundFloors(OutboundFloorPlacement.bridgeIngress())
        .classStrategy(strategy).build();
  }

  private static Optional<HtbClass> classOn(HtbTree tree, InterfaceName dev, ClassHandle id) {
    return tree.kernelObjects().stream()
        .filter(o -> o instanceof HtbClass c && c.device().equals(dev) && c.classId().equals(id))
        .map(o -> (HtbClass) o).findFirst();
  }

  @Test
  void aPriorityWithAnOutboundFloorHasAPrioritisedInboundClassAndAPlainOutboundOne() {
    HtbTree tree = HtbTree.start(config(ClassStrategy.ADD_ON_PLUG)).tree()
        .plug("vm1", MAC1, Bandwidth.NONE.withOutboundFloor(Rate.parse("20mbit"))
            .withPriority(Priority.LOWEST)).tree();
    PluggedInterface vm1 = tree.find("vm1").orElseThrow();
    ClassHandle own = ClassHandle.of(1, vm1.classMinor());
    assertThat(vm1.effectiveClass()).isEqualTo(own);
    assertThat(vm1.outboundClass()).isEqualTo(own);
    HtbClass in = classOn(tree, BR, own).orElseThrow();
    assertThat(in.rate()).isEqualTo(HtbTree.PRIORITY_ONLY_RATE);
    assertThat(in.prio()).isEqualTo(7);
    HtbClass out = classOn(tree, IFB, own).orElseThrow();
    assertThat(out.rate()).isEqualTo(Rate.parse("20mbit"));
    assertThat(out.prio()).as("no priorities on the outbound tree").isZero();
    assertThat(tree.floorSum()).as("a priority is admitted as floor 0").isEqualTo(Rate.ZERO);
    assertThat(tree.outboundFloorSum()).isEqualTo(Rate.parse("20mbit"));
  }

  @Test
  void aPriorityAloneHasItsOwnInboundClassAndNothingOnTheOutboundTree() {
    HtbTree start = HtbTree.start(config(ClassStrategy.ADD_ON_PLUG)).tree();
    HtbTree tree = start.plug("vm1", MAC1, Bandwidth.NONE.withPriority(Priority.of(2))).tree();
    PluggedInterface vm1 = tree.find("vm1").orElseThrow();
    assertThat(vm1.effectiveClass()).isEqualTo(ClassHandle.of(1, vm1.classMinor()));
    assertThat(vm1.outboundClass()).isEqualTo(HtbTree.DEFAULT_CLASS);
    assertThat(tree.kernelObjects().stream().filter(o -> o.device().equals(IFB)).toList())
        .isEqualTo(start.kernelObjects().stream().filter(o -> o.device().equals(IFB)).toList());
  }

  @Test
  void onlyAnInboundClassNeedTakesAParkedClass() {
    HtbTree parked = HtbTree.start(config(ClassStrategy.PARKED_POOL)).tree().park(2).tree();
    HtbTree outOnly = parked.plug("vm1", MAC1,
        Bandwidth.NONE.withOutboundFloor(Rate.parse("10mbit"))).tree();
    assertThat(outOnly.parkedClassIds()).isEqualTo(parked.parkedClassIds());
    HtbTree prio = outOnly.plug("vm2", MAC2, Bandwidth.NONE.withPriority(Priority.of(3))).tree();
    int taken = prio.find("vm2").orElseThrow().classMinor();
    assertThat(parked.parkedClassIds()).contains(taken);
    assertThat(prio.parkedClassIds()).doesNotContain(taken).hasSize(1);
  }

  @Test
  void aLivePriorityChangeReaddsTheLeafAndRecordsTheInterface() {
    HtbTree start = HtbTree.start(config(ClassStrategy.ADD_ON_PLUG)).tree();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    kernel.apply(start.buildPlan());
    TreeChange plug = start.plug("vm1", MAC1, Bandwidth.floor(Rate.parse("10mbit"))
        .withOutboundFloor(Rate.parse("20mbit")).withPriority(Priority.LOWEST));
    kernel.apply(plug.plan());
    int minor = plug.tree().find("vm1").orElseThrow().classMinor();

    TreeChange raise = plug.tree().update("vm1", plug.tree().find("vm1").orElseThrow().bandwidth()
        .withPriority(Priority.HIGHEST));
    PluggedInterface after = raise.tree().find("vm1").orElseThrow();
    assertThat(raise.records()).containsExactly(new StatusChange.InterfaceSet(after));
    List<TcOp> ops = raise.plan().ops();
    assertThat(ops.subList(ops.size() - 2, ops.size())).satisfiesExactly(
        d -> assertThat(d).isInstanceOfSatisfying(TcOp.Delete.class,
            x -> assertThat(leafOf(x.object())).isEqualTo(minor)),
        a -> assertThat(a).isInstanceOfSatisfying(TcOp.Add.class,
            x -> assertThat(leafOf(x.object())).isEqualTo(minor)));
    assertThat(ops).noneMatch(op -> op.object().device().equals(IFB));
    kernel.apply(raise.plan());
    assertThat(new HashSet<>(kernel.objects()))
        .isEqualTo(new HashSet<>(raise.tree().kernelObjects()));
    kernel.apply(raise.undo());
    assertThat(new HashSet<>(kernel.objects()))
        .isEqualTo(new HashSet<>(plug.tree().kernelObjects()));
  }

  @Test
  void droppingTheOnlyInboundReasonDeletesTheInboundClassButKeepsTheOutboundOne() {
    HtbTree start = HtbTree.start(config(ClassStrategy.ADD_ON_PLUG)).tree();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    kernel.apply(start.buildPlan());
    TreeChange plug = start.plug("vm1", MAC1, Bandwidth.NONE
        .withOutboundFloor(Rate.parse("20mbit")).withPriority(Priority.of(4)));
    kernel.apply(plug.plan());
    ClassHandle own = plug.tree().find("vm1").orElseThrow().floorClass().orElseThrow();
    TreeChange drop = plug.tree().update("vm1",
        Bandwidth.NONE.withOutboundFloor(Rate.parse("20mbit")));
    kernel.apply(drop.plan()); // no re-add of a leaf whose class goes
    assertThat(new HashSet<>(kernel.objects()))
        .isEqualTo(new HashSet<>(drop.tree().kernelObjects()));
    assertThat(classOn(drop.tree(), BR, own)).isEmpty();
    assertThat(classOn(drop.tree(), IFB, own)).isPresent();
    assertThat(drop.tree().find("vm1").orElseThrow().effectiveClass())
        .isEqualTo(HtbTree.DEFAULT_CLASS);
    assertThat(drop.records()).containsExactly(
        new StatusChange.InterfaceSet(drop.tree().find("vm1").orElseThrow()));
  }

  @Test
  void aPriorityStillNeedsTheInboundTreeWhenOnlyOutboundFloorsAreConfigured() {
    NetworkConfig outboundOnly = NetworkConfig.builder("net", "br0")
        .outbound(Limits.averageOnly(Rate.parse("50mbit")))
        .outboundFloors(OutboundFloorPlacement.bridgeIngress()).build();
    HtbTree t = HtbTree.start(outboundOnly).tree();
    assertThat(t.plug("vm1", MAC1, Bandwidth.NONE.withOutboundFloor(Rate.parse("10mbit")))
        .tree().find("vm1")).isPresent();
    assertThatThrownBy(() -> t.plug("vm2", MAC2, Bandwidth.NONE
        .withOutboundFloor(Rate.parse("10mbit")).withPriority(Priority.of(1))))
        .isInstanceOf(InvalidBandwidthException.class).hasMessageContaining("priority 1");
  }

  private static int leafOf(TcObject o) {
    assertThat(o).isInstanceOf(LeafQdisc.class);
    assertThat(o.device()).isEqualTo(BR);
    return ((LeafQdisc) o).parent().minor();
  }
}
