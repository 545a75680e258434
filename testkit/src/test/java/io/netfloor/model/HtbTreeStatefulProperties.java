// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.testkit.FittingTreeOperations;
import io.netfloor.testkit.NetFloorArbitraries;
import io.netfloor.testkit.TreeOperation;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * jqwik stateful test of {@link HtbTree}'s transitions: chains of plug/unplug/update/changeMac/
 * park/releaseParked whose arguments are drawn from the current tree ({@link
 * FittingTreeOperations}: a plug takes a free alias and MAC and a floor within what is left, an
 * unplug a plugged alias…), so nearly every step is a real transition, plus a few operations the
 * tree must refuse. After every step the tree's invariants hold:
 *
 * <ul>
 *   <li>the floors sum to at most the capacity, and {@link HtbTree#floorSum()} is that sum;
 *   <li>class ids are unique among interfaces and parked classes, and the allocator holds exactly
 *       them;
 *   <li>filters and classes match: one MAC filter per floored interface, to its class and MAC, and
 *       every class under 1:1 is 1:2, a floored interface's or a parked one;
 *   <li>restoring the tree from its status ({@link NetworkStatus#of}, {@link
 *       NetworkStatus#toTree}) gives the same tree;
 *   <li>the simulated kernel, which received every plan, holds exactly {@link
 *       HtbTree#kernelObjects()}; the undo of each step takes it back to the state before.
 * </ul>
 *
 * Statistics show (and coverage asserts) that at least 80 % of the steps were accepted and that
 * every kind of step occurred.
 */
class HtbTreeStatefulProperties {

  /** A network under test: the current tree and the simulated kernel every plan was applied to. */
  static final class Network {
    HtbTree tree;
    final InMemoryTrafficControl kernel = new InMemoryTrafficControl();

    Network(NetworkConfig config) {
      kernel.addDevice(config.bridge());
      kernel.addDevice(NetFloorArbitraries.UPLINK, "veth");
      for (int i = 0; i < FittingTreeOperations.ALIASES; i++) {
        kernel.addDevice(TreeOperation.deviceOf(i));
      }
      TreeChange start = HtbTree.start(config);
      kernel.apply(start.plan());
      tree = start.tree();
    }

    /** Applies an operation the tree must accept; checks its plan and undo on the kernel. */
    void accept(String kind, TreeOperation op) {
      Set<TcObject> before = Set.copyOf(kernel.objects());
      TreeChange change = op.applyTo(tree);
      kernel.apply(change.plan());
      kernel.apply(change.undo());
      assertThat(Set.copyOf(kernel.objects())).as("kernel after the undo of %s", op)
          .isEqualTo(before);
      kernel.apply(change.plan());
      tree = change.tree();
      Statistics.label("step").collect(kind);
      Statistics.label("outcome").collect("accepted");
    }

    /** Tries an operation the tree must refuse; nothing changes. */
    void refuse(TreeOperation op) {
      HtbTree before = tree;
      assertThatThrownBy(() -> op.applyTo(before)).as("%s must be refused", op)
          .isInstanceOfAny(InterfaceConflictException.class, AdmissionException.class);
      assertThat(tree).isSameAs(before);
      Statistics.label("step").collect("refused");
      Statistics.label("outcome").collect("refused");
    }

    @Override
    public String toString() {
      return tree.interfaces().size() + " plugged, " + tree.parkedClassIds().size() + " parked";
    }
  }

  /** An action whose operation is drawn from the current tree and must be accepted. */
  private static Action.Dependent<Network> accepted(String kind, Predicate<HtbTree> applies,
      Function<HtbTree, Arbitrary<TreeOperation>> operations) {
    return FittingTreeOperations.action(n -> n.tree, applies, operations, "",
        (net, op) -> net.accept(kind, op));
  }

  private static Action.Dependent<Network> refused() {
    return n -> FittingTreeOperations.refused(n.tree)
        .map(op -> Transformer.mutate("refused " + op, net -> net.refuse(op)));
  }

  @Provide
  Arbitrary<ActionChain<Network>> chains() {
    return NetFloorArbitraries.networkConfigs().flatMap(config ->
        ActionChain.<Network>startWith(() -> new Network(config))
            .withAction(6, accepted("plug", FittingTreeOperations::canPlug,
                FittingTreeOperations::plug))
            .withAction(3, accepted("unplug", FittingTreeOperations::canUnplug,
                FittingTreeOperations::unplug))
            .withAction(3, accepted("update", FittingTreeOperations::canUnplug,
                FittingTreeOperations::update))
            .withAction(2, accepted("changeMac", FittingTreeOperations::canUnplug,
                FittingTreeOperations::changeMac))
            .withAction(1, accepted("park", t -> true, FittingTreeOperations::park))
            .withAction(1, accepted("releaseParked", FittingTreeOperations::canRelease,
                FittingTreeOperations::releaseParked))
            .withAction(1, refused())
            .withMaxTransformations(40));
  }

  @Property(tries = 100)
  void everyStepKeepsTheTreesInvariants(@ForAll("chains") ActionChain<Network> chain) {
    chain.withInvariant("floors within capacity", n -> floorsFit(n.tree))
        .withInvariant("class ids unique", n -> classIdsUnique(n.tree))
        .withInvariant("filters match classes", n -> filtersMatchClasses(n.tree))
        .withInvariant("restore(status) is the tree", n -> restoresFromItsStatus(n.tree))
        .withInvariant("kernel holds the tree", n -> assertThat(Set.copyOf(n.kernel.objects()))
            .isEqualTo(Set.copyOf(n.tree.kernelObjects())))
        .run();
    Statistics.label("steps per chain").collect(chain.transformations().size() / 10 * 10);
    Statistics.label("outcome").coverage(c -> c.check("accepted").percentage(p -> p >= 80.0));
    Statistics.label("step").coverage(c -> {
      for (String kind : List.of("plug", "unplug", "update", "changeMac", "park",
          "releaseParked", "refused")) {
        c.check(kind).count(n -> n > 0);
      }
    });
  }

  private static void floorsFit(HtbTree tree) {
    Rate sum = Rate.ZERO;
    for (PluggedInterface p : tree.interfaces().values()) {
      sum = sum.plus(p.bandwidth().floorOrZero());
    }
    assertThat(tree.floorSum()).isEqualTo(sum);
    assertThat(sum).isLessThanOrEqualTo(tree.config().floorCapacity().orElseThrow());
  }

  private static void classIdsUnique(HtbTree tree) {
    Set<Integer> ids = new HashSet<>(tree.parkedClassIds());
    int floored = 0;
    for (PluggedInterface p : tree.interfaces().values()) {
      if (p.hasOwnClass()) {
        floored++;
        assertThat(ids.add(p.classMinor())).as("class id %d given twice", p.classMinor()).isTrue();
      }
    }
    assertThat(ids).hasSize(floored + tree.parkedClassIds().size());
    assertThat(tree.classIds().usedCount()).isEqualTo(ids.size());
    ids.forEach(id -> assertThat(tree.classIds().isUsed(id)).isTrue());
  }

  private static void filtersMatchClasses(HtbTree tree) {
    Map<ClassHandle, U32MacFilter> filters = new HashMap<>();
    Set<ClassHandle> classes = new HashSet<>();
    for (TcObject o : tree.kernelObjects()) {
      if (o instanceof U32MacFilter f && f.device().equals(tree.config().bridge())) {
        assertThat(filters.put(f.flowId(), f)).as("two filters to %s", f.flowId()).isNull();
      } else if (o instanceof HtbClass c && c.device().equals(tree.config().bridge())
          && c.parent().equals(HtbTree.TOP_CLASS) && !c.classId().equals(HtbTree.DEFAULT_CLASS)) {
        classes.add(c.classId());
      }
    }
    Set<ClassHandle> expectedClasses = new HashSet<>();
    for (PluggedInterface p : tree.interfaces().values()) {
      if (p.hasOwnClass()) {
        ClassHandle id = ClassHandle.of(1, p.classMinor());
        expectedClasses.add(id);
        assertThat(filters.get(id)).as("filter of %s", p.alias()).isNotNull();
        assertThat(filters.get(id).mac()).isEqualTo(p.mac());
        assertThat(filters.get(id).handle()).isEqualTo(p.filterHandle().orElseThrow());
      }
    }
    assertThat(filters.keySet()).as("filters point only at floored interfaces' classes")
        .isEqualTo(expectedClasses);
    tree.parkedClassIds().forEach(id -> expectedClasses.add(ClassHandle.of(1, id)));
    assertThat(classes).as("classes under 1:1 besides 1:2").isEqualTo(expectedClasses);
    assertThat(filters.values().stream().map(U32MacFilter::handle).distinct().count())
        .as("filter handles unique").isEqualTo(filters.size());
  }

  private static void restoresFromItsStatus(HtbTree tree) {
    HtbTree restored = NetworkStatus.of(tree).toTree(tree.config());
    assertThat(restored).isEqualTo(tree);
    assertThat(restored.kernelObjects()).isEqualTo(tree.kernelObjects());
  }
}
