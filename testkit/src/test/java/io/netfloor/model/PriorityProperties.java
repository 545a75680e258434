// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.AdmissionException;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.TcOp;
import io.netfloor.testkit.NetFloorArbitraries;
import io.netfloor.testkit.TreeOperation;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Interface priorities over random trees (random plug/unplug/update/changeMac/park/prioritise
 * sequences on random networks): a priority never changes admission or floors, changing only a
 * priority is a class change plus its leaf re-added, and a tree without priorities is what it was before they existed.
 * Undo and restore of trees with priorities are covered by {@link HtbTreeProperties}, whose
 * scenarios include priority changes.
 */
class PriorityProperties {
  @Provide
  Arbitrary<NetworkConfig> configs() {
    return NetFloorArbitraries.networkConfigs();
  }

  @Provide
  Arbitrary<List<TreeOperation>> scenarios() {
    return NetFloorArbitraries.treeOperations();
  }

  @Provide
  Arbitrary<Priority> priorities() {
    return NetFloorArbitraries.priorities();
  }

  private static HtbTree run(NetworkConfig config, List<TreeOperation> commands) {
    HtbTree tree = HtbTree.start(config).tree();
    for (TreeOperation c : commands) {
      try {
        tree = c.applyTo(tree).tree();
      } catch (AdmissionException | InterfaceConflictException | ClassIdExhaustedException
          | InvalidValueException refused) {
        // refused: the tree stays
      }
    }
    return tree;
  }

  private static Object admission(java.util.function.Supplier<TreeChange> change) {
    try {
      HtbTree t = change.get().tree();
      return List.of(t.floorSum(), t.defaultClassRate(), t.remainingCapacity());
    } catch (RuntimeException e) {
      return e.getClass();
    }
  }

  @Property
  void aPriorityNeverChangesAdmissionOrTheFloors(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands, @ForAll("priorities") Priority priority,
      @ForAll @IntRange(min = 0, max = 250) int floorMbit, @ForAll @IntRange(max = 11) int alias) {
    HtbTree tree = run(config, commands);
    Bandwidth plain = floorMbit == 0 ? Bandwidth.NONE : Bandwidth.floor(Rate.ofMegabits(floorMbit));
    MacAddress fresh = MacAddress.parse("52:54:01:00:00:01");
    assertThat(admission(() -> tree.plug("new", fresh, plain.withPriority(priority))))
        .isEqualTo(admission(() -> tree.plug("new", fresh, plain)));
    String existing = TreeOperation.aliasOf(alias);
    assertThat(admission(() -> tree.update(existing, plain.withPriority(priority))))
        .isEqualTo(admission(() -> tree.update(existing, plain)));
  }

  @Property
  void changingOnlyThePriorityOfAClassIsItsChangeAndItsLeafReadded(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands, @ForAll("priorities") Priority priority) {
    HtbTree tree = run(config, commands);
    for (PluggedInterface p : tree.interfaces().values()) {
      if (!p.hasInboundClass()) {
        continue; // no class on the bridge (none, or an outbound floor's only): a priority adds one
      }
      TreeChange c = tree.update(p.alias().value(), p.bandwidth().withPriority(priority));
      assertThat(c.tree().find(p.alias().value()).orElseThrow().classMinor()).isEqualTo(p.classMinor());
      assertThat(c.tree().floorSum()).isEqualTo(tree.floorSum());
      // no priority is HTB's prio 0: giving priority 0 then changes the status, not the kernel
      boolean same = p.bandwidth().priority().orElse(Priority.HIGHEST).equals(priority);
      // the class's change, then its leaf deleted and added again (HTB refiles a busy class)
      assertThat(c.plan().ops()).hasSize(same ? 0 : 3);
      assertThat(c.undo().ops()).hasSize(same ? 0 : 3);
      if (!same) {
        assertThat(c.plan().ops().get(0)).matches(op -> op instanceof TcOp.Change ch
            && ch.after() instanceof HtbClass h && h.classId().minor() == p.classMinor()
            && h.prio() == priority.value());
        assertThat(c.plan().ops().subList(1, 3)).allMatch(op -> op.object() instanceof LeafQdisc l
            && l.parent().minor() == p.classMinor());
        assertThat(c.plan().ops().get(1)).isInstanceOf(TcOp.Delete.class);
        assertThat(c.plan().ops().get(2)).isInstanceOf(TcOp.Add.class);
      }
    }
  }

  @Property
  void aTreeWithoutPrioritiesHasEveryClassAtPrioZero(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    HtbTree tree = run(config, commands.stream()
        .filter(c -> !(c instanceof TreeOperation.Prioritise)).toList());
    assertThat(tree.kernelObjects()).filteredOn(o -> o instanceof HtbClass)
        .allMatch(o -> ((HtbClass) o).prio() == 0);
    // and a restart (store, restore) gives the same kernel objects, with or without priorities
    HtbTree withPrios = run(config, commands);
    assertThat(NetworkStatus.of(withPrios).toTree(config).kernelObjects())
        .isEqualTo(withPrios.kernelObjects());
  }
}
