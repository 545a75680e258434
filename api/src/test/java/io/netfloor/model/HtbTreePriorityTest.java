// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidBandwidthException;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An interface's priority on the bridge: its own class, HTB prio, class changes only. */
class HtbTreePriorityTest {
  private static final NetworkConfig NET = NetworkConfig.builder("net", "br0")
      .inbound(Limits.averageOnly(Rate.parse("100mbit"))).build();
  private static final MacAddress MAC1 = MacAddress.parse("52:54:00:00:00:01");
  private static final MacAddress MAC2 = MacAddress.parse("52:54:00:00:00:02");

  private static HtbClass classOf(HtbTree t, String alias) {
    ClassHandle c = t.find(alias).orElseThrow().floorClass().orElseThrow();
    return t.kernelObjects().stream().filter(o -> o instanceof HtbClass h && h.classId().equals(c))
        .map(o -> (HtbClass) o).findFirst().orElseThrow();
  }

  @Test
  void aPriorityIsZeroToSevenWithAnActionableMessage() {
    assertThat(Priority.of(0)).isEqualTo(Priority.HIGHEST);
    assertThat(Priority.parse("7")).isEqualTo(Priority.LOWEST);
    assertThat(Priority.HIGHEST).isLessThan(Priority.LOWEST);
    assertThatThrownBy(() -> Priority.of(8)).isInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("priority 8 is not in 0..7");
    assertThatThrownBy(() -> Priority.of(-1)).isInstanceOf(InvalidBandwidthException.class);
    assertThatThrownBy(() -> Priority.parse("high")).isInstanceOf(InvalidBandwidthException.class)
        .hasMessageContaining("'high'").hasMessageContaining("0..7");
    assertThatThrownBy(() -> Priority.parse("07")).isInstanceOf(InvalidBandwidthException.class);
  }

  @Test
  void withoutAPriorityEveryClassKeepsHtbsDefaultPrio() {
    HtbTree t = HtbTree.start(NET).tree().plug("vm1", MAC1, Bandwidth.floor(Rate.parse("10mbit")))
        .tree().plug("vm2", MAC2, Bandwidth.NONE).tree();
    assertThat(t.kernelObjects()).filteredOn(o -> o instanceof HtbClass)
        .allMatch(o -> ((HtbClass) o).prio() == 0);
    assertThat(t.find("vm2").orElseThrow().classMinor()).isZero();
  }

  @Test
  void anInterfaceWithOnlyAPriorityGetsAClassThatGuaranteesNothing() {
    HtbTree start = HtbTree.start(NET).tree();
    TreeChange c = start.plug("vm1", MAC1, Bandwidth.NONE.withPriority(Priority.LOWEST));
    HtbTree t = c.tree();
    PluggedInterface p = t.find("vm1").orElseThrow();
    assertThat(p.classMinor()).isEqualTo(3);
    HtbClass cls = classOf(t, "vm1");
    assertThat(cls.rate()).isEqualTo(HtbTree.PRIORITY_ONLY_RATE);
    assertThat(cls.ceil()).isEqualTo(Rate.parse("100mbit"));
    assertThat(cls.prio()).isEqualTo(7);
    // floor 0 for admission: the floors and the default class are untouched
    assertThat(t.floorSum()).isEqualTo(Rate.ZERO);
    assertThat(t.defaultClassRate()).isEqualTo(start.defaultClassRate());
    assertThat(c.plan().ops()).hasSize(3).allMatch(op -> op instanceof TcOp.Add);
    assertThat(c.plan().ops().stream().map(TcOp::object).map(Object::getClass).toList())
        .containsExactly(HtbClass.class, LeafQdisc.class, U32MacFilter.class);
  }

  @Test
  void changingOnlyThePriorityIsAClassChangeAndItsLeafReadded() {
    Bandwidth floor = Bandwidth.floor(Rate.parse("10mbit"));
    HtbTree t = HtbTree.start(NET).tree().plug("vm1", MAC1, floor).tree();
    TreeChange raised = t.update("vm1", floor.withPriority(Priority.of(2)));
    List<TcOp> ops = raised.plan().ops();
    assertThat(ops).hasSize(3);
    TcOp.Change change = (TcOp.Change) ops.get(0);
    assertThat(((HtbClass) change.before()).prio()).isZero();
    assertThat(((HtbClass) change.after()).prio()).isEqualTo(2);
    assertThat(((HtbClass) change.after()).rate()).isEqualTo(Rate.parse("10mbit"));
    // the leaf goes and comes back, the same: HTB then files the busy class under its new prio
    assertThat(ops.get(1)).isInstanceOf(TcOp.Delete.class);
    assertThat(ops.get(2)).isInstanceOf(TcOp.Add.class);
    assertThat(ops.get(1).object()).isInstanceOf(LeafQdisc.class).isEqualTo(ops.get(2).object());
    assertThat(((LeafQdisc) ops.get(1).object()).parent())
        .isEqualTo(((HtbClass) change.after()).classId());
    assertThat(raised.undo().ops()).hasSize(3).first().isInstanceOf(TcOp.Change.class);
    // a change that keeps the prio (a new floor) is the class change alone, as before
    assertThat(raised.tree().update("vm1", Bandwidth.floor(Rate.parse("20mbit"))
        .withPriority(Priority.of(2))).plan().ops()).noneMatch(op -> op.object() instanceof LeafQdisc);
    assertThat(raised.tree().floorSum()).isEqualTo(t.floorSum());
    // removing it again: the same class back at prio 0
    TreeChange back = raised.tree().update("vm1", floor);
    assertThat(back.tree().kernelObjects()).isEqualTo(t.kernelObjects());
  }

  @Test
  void anUnflooredInterfaceGainsAndLosesItsClassWithItsPriority() {
    HtbTree t = HtbTree.start(NET).tree().plug("vm1", MAC1, Bandwidth.NONE).tree();
    TreeChange gains = t.update("vm1", Bandwidth.NONE.withPriority(Priority.HIGHEST));
    assertThat(gains.tree().find("vm1").orElseThrow().floorClass()).isPresent();
    assertThat(gains.plan().ops()).hasSize(3).allMatch(op -> op instanceof TcOp.Add);
    TreeChange loses = gains.tree().update("vm1", Bandwidth.NONE);
    assertThat(loses.tree().find("vm1").orElseThrow().classMinor()).isZero();
    assertThat(loses.plan().ops()).hasSize(3).allMatch(op -> op instanceof TcOp.Delete);
    assertThat(loses.tree().kernelObjects()).isEqualTo(t.kernelObjects());
    // a floor added later keeps the class and the priority
    HtbTree both = gains.tree().update("vm1", Bandwidth.floor(Rate.parse("5mbit"))
        .withPriority(Priority.HIGHEST)).tree();
    assertThat(classOf(both, "vm1").rate()).isEqualTo(Rate.parse("5mbit"));
    assertThat(classOf(both, "vm1").prio()).isZero();
    assertThat(both.find("vm1").orElseThrow().classMinor())
        .isEqualTo(gains.tree().find("vm1").orElseThrow().classMinor());
  }

  @Test
  void aParkedClassIsTakenWithAChangeThatSetsThePrio() {
    NetworkConfig parked = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("100mbit")))
        .classStrategy(ClassStrategy.PARKED_POOL).build();
    HtbTree t = HtbTree.start(parked).tree().park(2).tree();
    TreeChange c = t.plug("vm1", MAC1, Bandwidth.NONE.withPriority(Priority.of(5)));
    List<TcObject> changedClasses = c.plan().ops().stream().filter(op -> op instanceof TcOp.Change)
        .map(TcOp::object).toList();
    assertThat(changedClasses).singleElement()
        .matches(o -> o instanceof HtbClass h && h.prio() == 5);
  }

  @Test
  void aPriorityNeedsTheNetworksHtbTree() {
    NetworkConfig noInbound = NetworkConfig.builder("flat", "br0").build();
    HtbTree t = HtbTree.start(noInbound).tree();
    assertThatThrownBy(() -> t.plug("vm1", MAC1, Bandwidth.NONE.withPriority(Priority.of(1))))
        .isInstanceOf(InvalidBandwidthException.class).hasMessageContaining("priority 1")
        .hasMessageContaining("no inbound bandwidth");
    HtbTree plugged = t.plug("vm1", MAC1, Bandwidth.NONE).tree();
    assertThatThrownBy(() -> plugged.update("vm1", Bandwidth.NONE.withPriority(Priority.of(1))))
        .isInstanceOf(InvalidBandwidthException.class);
  }

  @Test
  void bandwidthKeepsItsPriorityThroughFloorChanges() {
    Bandwidth b = Bandwidth.floor(Rate.parse("10mbit")).withPriority(Priority.of(3));
    assertThat(b.withFloor(null).priority()).contains(Priority.of(3));
    assertThat(b.withFloor(null).needsClass()).isTrue();
    assertThat(b.withFloor(Rate.parse("20mbit")).priority()).contains(Priority.of(3));
    assertThat(b.withPriority(null)).isEqualTo(Bandwidth.floor(Rate.parse("10mbit")));
    assertThat(b.toString()).endsWith(", priority=3}");
    assertThat(Bandwidth.NONE.toString()).doesNotContain("priority");
  }

  @Test
  void aNetworkHasNoPriority() {
    assertThatThrownBy(() -> NetworkConfig.builder("net", "br0").bandwidth(Bandwidth.inboundOnly(
        Limits.averageOnly(Rate.parse("100mbit"))).withPriority(Priority.of(1))).build())
        .isInstanceOf(InvalidBandwidthException.class).hasMessageContaining("interface");
  }
}
