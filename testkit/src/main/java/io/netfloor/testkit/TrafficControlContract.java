// SPDX-License-Identifier: Apache-2.0
package io.netfloor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.TreeChange;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TrafficControl} must do, as tests: extend this class in your test sources,
 * implement {@link #newKernel()}, and JUnit 5 runs the contract against your backend. NetFloor's
 * simulated kernel ({@code InMemoryTrafficControl}) and its rtnetlink backend (in a network
 * namespace) both pass it, so it is also the statement of what the simulation simulates.
 *
 * <ul>
 *   <li>An applied plan is what a dump reports: HTB and leaf qdiscs, classes with their parents and
 *       rates, MAC filters with the classes they point at; a teardown leaves none of them.
 *   <li>A refused operation changes nothing: it throws {@link TrafficControlException} naming the
 *       operation, its errno and how many operations of the plan were applied; those before it stay
 *       applied (as with {@code tc -batch}), nothing after it is.
 *   <li>The kernel's rules: an object cannot be added twice ({@code EEXIST}), a class needs its
 *       parent ({@code ENOENT}), a class with children cannot be deleted ({@code EBUSY}), a device
 *       must exist ({@code ENODEV}).
 *   <li>Devices: a bridge exists and is of kind {@value TrafficControl#BRIDGE_KIND}; a missing
 *       device does not exist and cannot be dumped.
 * </ul>
 */
public abstract class TrafficControlContract {

  /** A backend and the bridge it may shape. */
  public interface Kernel extends AutoCloseable {
    /**
     * The backend under test.
     *
     * @return the backend the contract exercises
     */
    TrafficControl trafficControl();

    /**
     * An existing Linux bridge without qdiscs of its own, which the contract may shape.
     *
     * @return the bridge's name
     */
    InterfaceName bridge();

    /** Closes the backend and removes what the test created (the bridge, a namespace). */
    @Override
    void close() throws Exception;
  }

  /**
   * A fresh kernel for one test.
   *
   * @return a kernel with a fresh bridge
   * @throws Exception if the bridge or backend cannot be set up
   */
  protected abstract Kernel newKernel() throws Exception;

  /**
   * A device name that no kernel of {@link #newKernel()} has.
   *
   * @return the name of a device that does not exist; {@code nf-missing0} by default
   */
  protected InterfaceName missingDevice() {
    return InterfaceName.of("nf-missing0");
  }

  // ---------------------------------------------------------------- the network used

  private static HtbTree tree(Kernel k, int interfaces) {
    LeafQdiscKind leaf = k.trafficControl().capabilities()
        .bestLeaf(List.of(LeafQdiscKind.FQ_CODEL, LeafQdiscKind.SFQ, LeafQdiscKind.PFIFO))
        .orElseThrow();
    NetworkConfig config = NetworkConfig.builder("contract", k.bridge().value())
        .inbound(Limits.averageOnly(Rate.ofMegabits(100))).leafQdisc(leaf).build();
    HtbTree tree = HtbTree.start(config).tree();
    for (int i = 1; i <= interfaces; i++) {
      tree = tree.plug("vm" + i, MacAddress.parse(String.format("52:54:00:00:01:%02x", i)),
          new Bandwidth(Optional.of(Limits.floorOnly(Rate.ofMegabits(5L * i))), Optional.empty()))
          .tree();
    }
    return tree;
  }

  // ---------------------------------------------------------------- comparable views

  /** What the contract compares: qdiscs, classes and MAC filters, in one spelling. */
  private record View(Set<String> qdiscs, Set<String> classes, Set<String> macFilters) {}

  private static View expected(List<TcObject> objects) {
    Set<String> qdiscs = new TreeSet<>();
    Set<String> classes = new TreeSet<>();
    Set<String> filters = new TreeSet<>();
    for (TcObject o : objects) {
      if (o instanceof HtbQdisc q) {
        qdiscs.add("htb " + q.handle() + " parent " + q.parent());
      } else if (o instanceof LeafQdisc q) {
        qdiscs.add(q.kind().kernelName() + " " + q.handle() + " parent " + q.parent());
      } else if (o instanceof HtbClass c) {
        classes.add(c.classId() + " parent " + c.parent() + " rate " + c.rate().bytesPerSecond()
            + "B/s ceil " + c.ceil().bytesPerSecond() + "B/s");
      } else if (o instanceof U32MacFilter f) {
        filters.add(f.handle() + " flowid " + f.flowId());
      }
    }
    return new View(qdiscs, classes, filters);
  }

  private static View actual(KernelSnapshot s) {
    Set<String> qdiscs = new TreeSet<>();
    for (QdiscInfo q : s.qdiscs()) {
      if (!q.handle().equals(ClassHandle.qdisc(0))) { // the kernel's default qdiscs have handle 0:
        qdiscs.add(q.kind() + " " + q.handle() + " parent " + q.parent());
      }
    }
    Set<String> classes = new TreeSet<>();
    for (ClassInfo c : s.classes()) {
      classes.add(c.classId() + " parent " + c.parent() + " rate " + c.rate().bytesPerSecond()
          + "B/s ceil " + c.ceil().bytesPerSecond() + "B/s");
    }
    Set<String> filters = s.filters().stream()
        .filter(f -> f.kind().equals("u32") && !f.isHashTable() && f.classId().isPresent())
        .map(f -> f.handle() + " flowid " + f.classId().get())
        .collect(Collectors.toCollection(TreeSet::new));
    return new View(qdiscs, classes, filters);
  }

  private static View view(Kernel k) {
    return actual(k.trafficControl().dump(k.bridge()));
  }

  // ---------------------------------------------------------------- applied plans

  @Test
  void anAppliedPlanIsWhatTheDumpReports() throws Exception {
    try (Kernel k = newKernel()) {
      HtbTree tree = tree(k, 3);
      k.trafficControl().apply(tree.buildPlan());
      assertThat(view(k)).isEqualTo(expected(tree.kernelObjects()));
      assertThat(expected(tree.kernelObjects()).macFilters()).hasSize(3);
    }
  }

  @Test
  void changePlansKeepTheDumpEqualToTheModel() throws Exception {
    try (Kernel k = newKernel()) {
      HtbTree tree = tree(k, 3);
      k.trafficControl().apply(tree.buildPlan());
      List<java.util.function.UnaryOperator<HtbTree>> steps = List.of(
          t -> apply(k, t.unplug("vm2")),
          t -> apply(k, t.update("vm1", new Bandwidth(
              Optional.of(Limits.floorOnly(Rate.ofMegabits(30))), Optional.empty()))),
          t -> apply(k, t.changeMac("vm3", MacAddress.parse("52:54:00:00:02:03"))),
          t -> apply(k, t.plug("vm4", MacAddress.parse("52:54:00:00:01:04"), new Bandwidth(
              Optional.of(Limits.floorOnly(Rate.ofMegabits(7))), Optional.empty()))),
          t -> apply(k, t.park(2)));
      for (var step : steps) {
        tree = step.apply(tree);
        assertThat(view(k)).isEqualTo(expected(tree.kernelObjects()));
      }
    }
  }

  private static HtbTree apply(Kernel k, TreeChange change) {
    k.trafficControl().apply(change.plan());
    return change.tree();
  }

  @Test
  void aTeardownLeavesNoneOfTheObjects() throws Exception {
    try (Kernel k = newKernel()) {
      HtbTree tree = tree(k, 2);
      k.trafficControl().apply(tree.buildPlan());
      k.trafficControl().apply(tree.teardownPlan());
      assertThat(view(k)).isEqualTo(expected(List.of()));
    }
  }

  @Test
  void classStatsCoverEveryClass() throws Exception {
    try (Kernel k = newKernel()) {
      HtbTree tree = tree(k, 2);
      k.trafficControl().apply(tree.buildPlan());
      Set<ClassHandle> classes = tree.kernelObjects().stream()
          .filter(o -> o instanceof HtbClass).map(o -> ((HtbClass) o).classId())
          .collect(Collectors.toSet());
      assertThat(k.trafficControl().classStats(k.bridge()).keySet())
          .containsExactlyInAnyOrderElementsOf(classes);
    }
  }

  // ---------------------------------------------------------------- refused operations

  private static HtbClass classUnder(Kernel k, ClassHandle parent, int minor) {
    Rate r = Rate.ofMegabits(1);
    return new HtbClass(k.bridge(), ClassHandle.of(1, minor), parent, r, r, Optional.empty(),
        Optional.empty(), HtbTree.MIN_QUANTUM_BYTES, 0);
  }

  @Test
  void aClassWithoutItsParentIsRefusedAndChangesNothing() throws Exception {
    try (Kernel k = newKernel()) {
      k.trafficControl().apply(tree(k, 2).buildPlan());
      View before = view(k);
      TcOp orphan = new TcOp.Add(classUnder(k, ClassHandle.of(1, 0x999), 0x50));
      assertThatThrownBy(() -> k.trafficControl().apply(new Plan(List.of(orphan))))
          .isInstanceOfSatisfying(TrafficControlException.class, e -> {
            assertThat(e.failedOp()).contains(orphan);
            assertThat(e.appliedCount()).isZero();
            assertThat(e.errno()).isPositive();
          });
      assertThat(view(k)).isEqualTo(before);
    }
  }

  @Test
  void operationsBeforeARefusedOneStayAppliedAndNoneAfterIt() throws Exception {
    try (Kernel k = newKernel()) {
      HtbTree tree = tree(k, 1);
      k.trafficControl().apply(tree.buildPlan());
      HtbClass good = classUnder(k, HtbTree.TOP_CLASS, 0x60);
      TcOp refused = new TcOp.Add(classUnder(k, ClassHandle.of(1, 0x999), 0x61));
      TcOp never = new TcOp.Add(classUnder(k, HtbTree.TOP_CLASS, 0x62));
      assertThatThrownBy(() -> k.trafficControl().apply(
          new Plan(List.of(new TcOp.Add(good), refused, never))))
          .isInstanceOfSatisfying(TrafficControlException.class, e -> {
            assertThat(e.failedOp()).contains(refused);
            assertThat(e.appliedCount()).isEqualTo(1);
          });
      List<TcObject> expected = new java.util.ArrayList<>(tree.kernelObjects());
      expected.add(good);
      assertThat(view(k)).isEqualTo(expected(expected));
    }
  }

  @Test
  void anObjectCannotBeAddedTwice() throws Exception {
    try (Kernel k = newKernel()) {
      HtbTree tree = tree(k, 1);
      k.trafficControl().apply(tree.buildPlan());
      View before = view(k);
      HtbClass existing = tree.kernelObjects().stream().filter(o -> o instanceof HtbClass)
          .map(o -> (HtbClass) o).filter(c -> c.classId().equals(HtbTree.DEFAULT_CLASS))
          .findFirst().orElseThrow();
      for (TcObject again : List.<TcObject>of(tree.kernelObjects().get(0), existing)) {
        assertThatThrownBy(() -> k.trafficControl().apply(new Plan(List.of(new TcOp.Add(again)))))
            .as("adding %s again", again)
            .isInstanceOfSatisfying(TrafficControlException.class,
                e -> assertThat(e.errnoName()).contains("EEXIST"));
      }
      assertThat(view(k)).isEqualTo(before);
    }
  }

  @Test
  void aClassWithChildrenCannotBeDeleted() throws Exception {
    try (Kernel k = newKernel()) {
      HtbTree tree = tree(k, 2);
      k.trafficControl().apply(tree.buildPlan());
      View before = view(k);
      HtbClass top = tree.kernelObjects().stream().filter(o -> o instanceof HtbClass)
          .map(o -> (HtbClass) o).filter(c -> c.classId().equals(HtbTree.TOP_CLASS))
          .findFirst().orElseThrow();
      assertThatThrownBy(() -> k.trafficControl().apply(new Plan(List.of(new TcOp.Delete(top)))))
          .isInstanceOfSatisfying(TrafficControlException.class,
              e -> assertThat(e.errnoName()).contains("EBUSY"));
      assertThat(view(k)).isEqualTo(before);
    }
  }

  // ---------------------------------------------------------------- devices

  @Test
  void theBridgeExistsAndIsABridge() throws Exception {
    try (Kernel k = newKernel()) {
      assertThat(k.trafficControl().deviceExists(k.bridge())).isTrue();
      assertThat(k.trafficControl().deviceKind(k.bridge())).contains(TrafficControl.BRIDGE_KIND);
    }
  }

  @Test
  void aMissingDeviceDoesNotExistCannotBeDumpedNorShaped() throws Exception {
    try (Kernel k = newKernel()) {
      InterfaceName missing = missingDevice();
      assertThat(k.trafficControl().deviceExists(missing)).isFalse();
      assertThatThrownBy(() -> k.trafficControl().dump(missing))
          .isInstanceOf(TrafficControlException.class);
      HtbTree onMissing = HtbTree.start(NetworkConfig.builder("contract", missing.value())
          .inbound(Limits.averageOnly(Rate.ofMegabits(100))).leafQdisc(LeafQdiscKind.PFIFO)
          .build()).tree();
      assertThatThrownBy(() -> k.trafficControl().apply(onMissing.buildPlan()))
          .isInstanceOfSatisfying(TrafficControlException.class, e -> {
            assertThat(e.appliedCount()).isZero();
            assertThat(e.errnoName()).contains("ENODEV");
          });
      assertThat(view(k)).isEqualTo(expected(List.of()));
    }
  }
}
