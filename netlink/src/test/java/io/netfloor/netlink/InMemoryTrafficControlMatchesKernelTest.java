// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.AdmissionException;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.model.DeviceShaping;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.OutboundShaping;
import io.netfloor.model.TreeChange;
import io.netfloor.netlink.testing.Views;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.ObjectKey;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.testkit.NetFloorArbitraries;
import io.netfloor.testkit.TreeOperation;
import io.netfloor.testkit.kernel.TcOracle;
import io.netfloor.testkit.kernel.TestNamespace;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link InMemoryTrafficControl}, the simulated kernel most properties of the model run against,
 * behaves as the real kernel does: the same random plans (random plug/unplug/update/changeMac/park
 * sequences over random network configurations, both filter layouts and traffic matches, with and
 * without device shaping) are applied to the simulation and, through {@link NetlinkTrafficControl},
 * to a fresh bridge in a namespace {@code nf-<random>}; after every step both dumps of every device
 * are equal once normalised, and plans the kernel refuses (an add of what exists, a delete of what
 * is gone) are refused by both at the same operation with the same errno. At the end, {@code tc}
 * (iproute2, independent of NetFloor) confirms the simulation's view of every device.
 *
 * <p>Normalisations, each where the kernel legitimately says more than the simulation:
 *
 * <ul>
 *   <li>Counters (bytes, packets, drops, class statistics) are zeroed: the kernel counts the frames
 *       a bridge sends by itself (IPv6 neighbour discovery), the simulation carries no traffic.
 *   <li>Qdiscs with handle {@code 0:} are dropped: the kernel's default qdisc of a device
 *       ({@code noqueue}, {@code pfifo_fast}…) that no plan made.
 *   <li>A class's {@code buffer}/{@code cbuffer} ticks are zeroed: the kernel keeps a burst as the
 *       time it lasts at the class's rate, in ticks of its packet scheduler clock, which the
 *       simulation does not model (it keeps bursts in bytes, in the objects of the plan).
 *   <li>Lists are compared in a fixed order: the kernel dumps in its hash order, the simulation in
 *       key order; neither order means anything.
 * </ul>
 *
 * Runs as root (CI does); under any other user it fails, as a kernel test that silently skips
 * would hide a broken backend.
 */
class InMemoryTrafficControlMatchesKernelTest {
  private static final int TAPS = 12;
  private static KernelCapabilities kernel;

  /** What a re-check does after a step, to compare refusals and undos too. */
  enum Probe {
    /** Nothing more. */
    NONE,
    /** Applies the step's plan a second time: adds and deletes are refused by both. */
    REPLAY_PLAN,
    /** Applies the undo twice (the second is refused), then the plan again. */
    UNDO_TWICE_THEN_REDO,
    /**
     * Deletes one of the tree's objects out of order: refused by both when something depends on it
     * ({@code EBUSY}), else done by both, which ends the scenario (the model no longer matches).
     */
    DELETE_ONE_OBJECT
  }

  /**
   * One step of a scenario: a model operation and what is checked after it ({@code pick} chooses
   * the object {@link Probe#DELETE_ONE_OBJECT} deletes).
   */
  record Step(TreeOperation operation, Probe probe, int pick) {
    @Override
    public String toString() {
      return operation + switch (probe) {
        case NONE -> "";
        case DELETE_ONE_OBJECT -> " then DELETE_ONE_OBJECT #" + pick;
        default -> " then " + probe;
      };
    }
  }

  @BeforeContainer
  static void probeTheKernel() {
    assertThat(TestNamespace.isRoot()).as("kernel tests run as root; this JVM is not root").isTrue();
    try (TestNamespace ns = TestNamespace.create(); NetlinkTrafficControl tc =
        NetlinkTrafficControl.openInNamespace(ns.name())) {
      kernel = tc.capabilities();
    }
  }

  @Provide
  Arbitrary<NetworkConfig> configs() {
    return NetFloorArbitraries.networkConfigs(Arbitraries.of(kernel.leafQdiscs()))
        .filter(InMemoryTrafficControlMatchesKernelTest::kernelCanShape);
  }

  /** The engine picks the outbound shaping the kernel supports; configs it would not build go. */
  private static boolean kernelCanShape(NetworkConfig c) {
    return c.outboundShaping() == OutboundShaping.POLICE ? kernel.police()
        : kernel.mirred() && kernel.ifb();
  }

  @Provide
  Arbitrary<List<Step>> scenarios() {
    Arbitrary<Probe> probes = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Probe.NONE)),
        Tuple.of(1, Arbitraries.just(Probe.REPLAY_PLAN)),
        Tuple.of(1, Arbitraries.just(Probe.UNDO_TWICE_THEN_REDO)),
        Tuple.of(1, Arbitraries.just(Probe.DELETE_ONE_OBJECT)));
    return Combinators.combine(NetFloorArbitraries.treeOperation(), probes,
            Arbitraries.integers().between(0, 999)).as(Step::new)
        .list().ofMinSize(5).ofMaxSize(25);
  }

  @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
  void theSimulationAndTheKernelHoldTheSameAfterEveryPlan(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<Step> steps) {
    try (TestNamespace ns = TestNamespace.create().bridge(config.bridge().value());
        NetlinkTrafficControl real = NetlinkTrafficControl.openInNamespace(ns.name())) {
      List<String> taps = new ArrayList<>();
      for (int i = 0; i < TAPS; i++) {
        String tap = TreeOperation.deviceOf(i).value();
        taps.add("link add " + tap + " type veth peer name p" + tap);
        taps.add("link set " + tap + " up");
      }
      ns.ipBatch(taps);
      InMemoryTrafficControl simulated = new InMemoryTrafficControl(kernel)
          .addDevice(config.bridge());
      for (int i = 0; i < TAPS; i++) {
        simulated.addDevice(TreeOperation.deviceOf(i), "veth");
      }

      TreeChange start = HtbTree.start(config);
      applyToBoth(start.plan(), simulated, real, "start");
      HtbTree tree = start.tree();
      assertSameDumps(simulated, real, devices(config, simulated), "start");
      int refusedByBoth = 0;
      boolean deletedOutOfOrder = false;
      for (Step step : steps) {
        TreeChange change;
        try {
          change = step.operation().applyTo(tree);
        } catch (AdmissionException | InterfaceConflictException | ClassIdExhaustedException
            | InvalidValueException rejectedByTheModel) {
          continue;
        }
        String what = step.toString();
        applyToBoth(change.plan(), simulated, real, what);
        switch (step.probe()) {
          case NONE -> { }
          case REPLAY_PLAN -> refusedByBoth += applyToBoth(change.plan(), simulated, real,
              what + " (replayed)") ? 0 : 1;
          case UNDO_TWICE_THEN_REDO -> {
            applyToBoth(change.undo(), simulated, real, what + " (undo)");
            assertSameDumps(simulated, real, devices(config, simulated), what + " (undo)");
            refusedByBoth += applyToBoth(change.undo(), simulated, real, what + " (undo again)")
                ? 0 : 1;
            applyToBoth(change.plan(), simulated, real, what + " (redo)");
          }
          case DELETE_ONE_OBJECT -> {
            List<TcObject> objects = change.tree().kernelObjects();
            if (!objects.isEmpty()) {
              TcObject victim = objects.get(step.pick() % objects.size());
              deletedOutOfOrder = applyToBoth(Plan.of(new TcOp.Delete(victim)), simulated, real,
                  what + " (delete " + victim.describe() + ")");
              refusedByBoth += deletedOutOfOrder ? 0 : 1;
            }
          }
        }
        tree = change.tree();
        assertSameDumps(simulated, real, devices(config, simulated), what);
        if (deletedOutOfOrder) {
          break;
        }
      }
      Statistics.label("ended by an out-of-order delete").collect(deletedOutOfOrder);
      Statistics.label("plans refused by both").collect(refusedByBoth > 0);
      Statistics.label("layout").collect(config.filterLayout(), config.trafficMatch());
      Statistics.label("device shaping").collect(tree.kernelObjects().stream()
          .anyMatch(o -> !o.device().equals(config.bridge())));
      for (InterfaceName device : devices(config, simulated)) {
        assertTcAgrees(ns, simulated, device);
      }
    }
    // the comparison covered refusals and shaped devices, not only plans both accept on a bridge
    Statistics.label("plans refused by both").coverage(c -> c.check(true).count(n -> n > 0));
    Statistics.label("device shaping").coverage(c -> c.check(true).count(n -> n > 0));
  }

  /**
   * Found by the property: replaying an unplug's plan (filter, leaf and class deletes, then the
   * default class's raise) is refused at its first delete, and the backend, which had sent the
   * whole plan in one batch, undid the raise the kernel still applied by setting the default class
   * to the plan's "before" rate: a rate the kernel no longer held. Nothing may change.
   */
  @Example
  void aReplayedUnplugIsRefusedAtItsFirstDeleteAndChangesNothing() {
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.ofMegabits(37))).filterLayout(FilterLayout.LIBVIRT_LINEAR)
        .leafQdisc(LeafQdiscKind.PFIFO).build();
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl real = NetlinkTrafficControl.openInNamespace(ns.name())) {
      InMemoryTrafficControl simulated = new InMemoryTrafficControl(kernel)
          .addDevice(config.bridge());
      TreeChange change = HtbTree.start(config);
      applyToBoth(change.plan(), simulated, real, "start");
      change = change.tree().plug("vm2", TreeOperation.macOf(1), TreeOperation.bandwidth(31, 0));
      applyToBoth(change.plan(), simulated, real, "plug vm2");
      change = change.tree().plug("vm3", TreeOperation.macOf(2), TreeOperation.bandwidth(6, 0));
      applyToBoth(change.plan(), simulated, real, "plug vm3"); // fills the capacity: 1:2 at 8kbit
      TreeChange unplug = change.tree().unplug("vm3");
      applyToBoth(unplug.plan(), simulated, real, "unplug vm3"); // 1:2 back to 6mbit

      assertThat(applyToBoth(unplug.plan(), simulated, real, "unplug vm3 again")).isFalse();

      assertSameDumps(simulated, real, Set.of(config.bridge()), "the replayed unplug");
      assertThat(TcOracle.classes(ns, "br0").get(HtbTree.DEFAULT_CLASS).rate()).as("per tc")
          .isEqualTo(Rate.ofMegabits(6));
    }
  }

  /**
   * Found by the property: deleting a filter whose qdisc is gone (an ingress redirect, after its
   * ingress qdisc went) is refused by the kernel as invalid ({@code EINVAL} "Parent Qdisc doesn't
   * exists": it looks the qdisc up first); the simulation said {@code ENOENT}.
   */
  @Example
  void deletingAFilterWhoseQdiscIsGoneIsRefusedAsInvalid() {
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.ofMegabits(100))).leafQdisc(LeafQdiscKind.PFIFO)
        .outboundShaping(kernel.police() ? OutboundShaping.POLICE : OutboundShaping.IFB_REDIRECT)
        .build();
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl real = NetlinkTrafficControl.openInNamespace(ns.name())) {
      ns.ip("link", "add", "tap0", "type", "veth", "peer", "name", "ptap0");
      InMemoryTrafficControl simulated = new InMemoryTrafficControl(kernel)
          .addDevice(config.bridge()).addDevice(InterfaceName.of("tap0"), "veth");
      TreeChange change = HtbTree.start(config);
      applyToBoth(change.plan(), simulated, real, "start");
      change = change.tree().plug("vm0", TreeOperation.macOf(0),
          Optional.of(InterfaceName.of("tap0")), TreeOperation.bandwidth(0, 50));
      applyToBoth(change.plan(), simulated, real, "plug vm0 with its device shaped");
      TcObject ingressFilter = change.tree().kernelObjects().stream()
          .filter(o -> o.device().value().equals("tap0")
              && o.key().kind() == ObjectKey.Kind.FILTER
              && o.key().parent() == IngressQdisc.HANDLE.toBits())
          .findFirst().orElseThrow();
      applyToBoth(Plan.of(new TcOp.Delete(new IngressQdisc(InterfaceName.of("tap0")))),
          simulated, real, "delete the ingress qdisc");

      assertThat(applyToBoth(Plan.of(new TcOp.Delete(ingressFilter)), simulated, real,
          "delete its filter")).isFalse();
      assertThatThrownBy(() -> real.apply(Plan.of(new TcOp.Delete(ingressFilter))))
          .isInstanceOfSatisfying(TrafficControlException.class,
              e -> assertThat(e.errnoName()).contains("EINVAL"));
    }
  }

  /**
   * Found by the property: an ownership mark added, or a hash table deleted, on a device that does
   * not exist was refused with {@code ENODEV} but without naming the operation, since those two go
   * to the kernel on their own path. Both backends name it, as for any other operation.
   */
  @Example
  void anOperationOnADeviceThatIsGoneIsRefusedNamingIt() {
    NetworkConfig config = NetworkConfig.builder("net", "up0")
        .inbound(Limits.averageOnly(Rate.ofMegabits(100))).filterLayout(FilterLayout.HASHED)
        .leafQdisc(LeafQdiscKind.PFIFO).build();
    List<TcObject> objects = HtbTree.start(config).tree().kernelObjects();
    TcObject mark = objects.stream().filter(o -> o instanceof io.netfloor.plan.U32OwnerMark)
        .findFirst().orElseThrow();
    TcObject table = objects.stream().filter(o -> o instanceof io.netfloor.plan.U32HashTable)
        .findFirst().orElseThrow();
    try (TestNamespace ns = TestNamespace.create().bridge("br0");
        NetlinkTrafficControl real = NetlinkTrafficControl.openInNamespace(ns.name())) {
      InMemoryTrafficControl simulated = new InMemoryTrafficControl(kernel)
          .addDevice(InterfaceName.of("br0"));
      for (TcOp op : List.of(new TcOp.Add(mark), new TcOp.Delete(table))) {
        assertThat(applyToBoth(Plan.of(op), simulated, real, op.describe())).isFalse();
        assertThatThrownBy(() -> real.apply(Plan.of(op)))
            .isInstanceOfSatisfying(TrafficControlException.class, e -> {
              assertThat(e.failedOp()).contains(op);
              assertThat(e.errnoName()).contains("ENODEV");
              assertThat(e.getMessage()).startsWith(op.describe());
            });
      }
    }
  }

  /**
   * Applies {@code plan} to both; both must succeed, or both refuse the same operation with the
   * same errno after the same number of applied operations.
   *
   * @return true when both applied the plan, false when both refused it
   */
  private static boolean applyToBoth(Plan plan, TrafficControl simulated, TrafficControl real,
      String what) {
    TrafficControlException simulatedError = applyCatching(simulated, plan);
    TrafficControlException realError = applyCatching(real, plan);
    if (simulatedError == null && realError == null) {
      return true;
    }
    assertThat(outcome(realError)).as("kernel (actual) vs simulated outcome of %s: %s", what, plan)
        .isEqualTo(outcome(simulatedError));
    return false;
  }

  private static TrafficControlException applyCatching(TrafficControl tc, Plan plan) {
    try {
      tc.apply(plan);
      return null;
    } catch (TrafficControlException e) {
      return e;
    }
  }

  private static String outcome(TrafficControlException e) {
    return e == null ? "applied" : "refused " + e.failedOp().map(Object::toString).orElse("?")
        + " with " + e.errnoName().orElse("errno " + e.errno()) + " after " + e.appliedCount()
        + " applied";
  }

  /** The bridge, every tap and every ifb device either side has. */
  private static Set<InterfaceName> devices(NetworkConfig config, InMemoryTrafficControl sim) {
    Set<InterfaceName> out = new LinkedHashSet<>();
    out.add(config.bridge());
    for (int i = 0; i < TAPS; i++) {
      out.add(TreeOperation.deviceOf(i));
      out.add(DeviceShaping.ifbFor(TreeOperation.deviceOf(i)));
    }
    out.add(DeviceShaping.ifbFor(config.bridge()));
    out.removeIf(d -> !sim.deviceExists(d));
    return out;
  }

  private static void assertSameDumps(InMemoryTrafficControl simulated, TrafficControl real,
      Set<InterfaceName> devices, String after) {
    for (int i = 0; i < TAPS; i++) {
      InterfaceName ifb = DeviceShaping.ifbFor(TreeOperation.deviceOf(i));
      assertThat(real.deviceExists(ifb)).as("%s exists after %s", ifb, after)
          .isEqualTo(simulated.deviceExists(ifb));
    }
    for (InterfaceName device : devices) {
      assertThat(normalised(real.dump(device))).as("%s after %s, kernel (actual) vs simulated",
              device, after)
          .isEqualTo(normalised(simulated.dump(device)));
    }
  }

  /** The dump without what only the kernel has (see the class comment), in a fixed order. */
  static KernelSnapshot normalised(KernelSnapshot s) {
    List<QdiscInfo> qdiscs = s.qdiscs().stream()
        .filter(q -> !q.handle().equals(ClassHandle.qdisc(0)))
        .map(q -> new QdiscInfo(q.device(), q.handle(), q.parent(), q.kind(),
            q.htbDefaultClassMinor(), q.htbRateToQuantum(), q.leafLimit(), 0, 0, 0))
        .sorted(Comparator.comparing(QdiscInfo::toString)).toList();
    List<ClassInfo> classes = s.classes().stream()
        .map(c -> new ClassInfo(c.device(), c.classId(), c.parent(), c.rate(), c.ceil(), 0, 0,
            c.quantumBytes(), c.prio(), c.level(), c.leafQdisc(), ClassStats.ZERO))
        .sorted(Comparator.comparing(ClassInfo::toString)).toList();
    List<FilterInfo> filters = s.filters().stream()
        .sorted(Comparator.comparing(FilterInfo::toString)).toList();
    return new KernelSnapshot(s.device(), qdiscs, classes, filters);
  }

  /** tc's own reading of the device equals the simulation's dump, in tc's spelling. */
  private static void assertTcAgrees(TestNamespace ns, InMemoryTrafficControl simulated,
      InterfaceName device) {
    KernelSnapshot sim = simulated.dump(device);
    String dev = device.value();
    List<TcOracle.Qdisc> tcQdiscs = TcOracle.qdiscs(ns, dev).stream()
        .filter(q -> !q.handle().equals(ClassHandle.qdisc(0)))
        .sorted(Comparator.comparing(Object::toString)).toList();
    assertThat(tcQdiscs).as("qdiscs of %s per tc", dev).isEqualTo(Views.qdiscs(sim));
    assertThat(sorted(List.copyOf(TcOracle.classes(ns, dev).values())))
        .as("classes of %s per tc", dev)
        .isEqualTo(Views.classes(sim));
    List<TcOracle.Filter> tcFilters = new ArrayList<>();
    for (QdiscInfo q : sim.qdiscs()) {
      if (q.kind().equals("htb") || q.kind().equals("ingress")) {
        tcFilters.addAll(TcOracle.filters(ns, dev, q.handle().toString()));
      }
    }
    assertThat(sorted(tcFilters)).as("filters of %s per tc", dev).isEqualTo(Views.filters(sim));
  }

  private static <T> List<T> sorted(List<T> in) {
    return in.stream().sorted(Comparator.comparing(Object::toString)).toList();
  }
}
