// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.AdmissionException;
import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.InvalidValueException;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.testkit.NetFloorArbitraries;
import io.netfloor.testkit.TreeOperation;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of {@link HtbTree} over random sequences of plug/unplug/update/changeMac/park, valid and
 * invalid, on random network configurations. Each runs the sequence against a simulated kernel
 * ({@link InMemoryTrafficControl}) that enforces the kernel's ordering rules. They live here, not in
 * the api module, because they use the testkit's generators (which depend on the api).
 */
class HtbTreeProperties {

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<NetworkConfig> configs() {
    return NetFloorArbitraries.networkConfigs();
  }

  @Provide
  Arbitrary<List<TreeOperation>> scenarios() {
    return NetFloorArbitraries.treeOperations();
  }

  // ------------------------------------------------------------------ harness

  /** Runs the scenario; for each step that the model accepts, calls {@code check(before, change)}. */
  private static HtbTree run(NetworkConfig config, List<TreeOperation> commands, StepCheck check) {
    HtbTree tree = HtbTree.start(config).tree();
    for (TreeOperation c : commands) {
      HtbTree before = tree;
      TreeChange change;
      try {
        change = c.applyTo(tree);
      } catch (AdmissionException | InterfaceConflictException | ClassIdExhaustedException
          | InvalidValueException rejected) {
        check.rejected(before, c, rejected);
        continue;
      }
      check.accepted(before, c, change);
      tree = change.tree();
    }
    return tree;
  }

  interface StepCheck {
    void accepted(HtbTree before, TreeOperation command, TreeChange change);

    default void rejected(HtbTree before, TreeOperation command, RuntimeException e) {}
  }

  private static StepCheck everyTree(Consumer<HtbTree> invariant) {
    return (before, command, change) -> invariant.accept(change.tree());
  }

  private static InMemoryTrafficControl kernelWith(HtbTree tree) {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl();
    kernel.addDevice(tree.config().bridge());
    kernel.addDevice(NetFloorArbitraries.UPLINK, "veth");
    for (int i = 0; i < 12; i++) {
      kernel.addDevice(TreeOperation.deviceOf(i));
    }
    kernel.apply(tree.buildPlan());
    return kernel;
  }

  private static Set<TcObject> objects(InMemoryTrafficControl kernel) {
    return new HashSet<>(kernel.objects());
  }

  private static Set<TcObject> objects(HtbTree tree) {
    return new HashSet<>(tree.kernelObjects());
  }

  // ------------------------------------------------------------------ properties

  @Property
  void classIdsAreUniqueInRangeAndNeverReserved(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, everyTree(tree -> {
      Set<Integer> seen = new HashSet<>();
      List<Integer> ids = new ArrayList<>(tree.parkedClassIds());
      tree.interfaces().values().forEach(p -> {
        if (p.hasOwnClass()) {
          ids.add(p.classMinor());
        }
      });
      for (int id : ids) {
        assertThat(seen.add(id)).as("class id %d assigned twice", id).isTrue();
        assertThat(id).isBetween(3, 0xfffe);
        assertThat(id).isNotEqualTo(0xffff);
        if (config.filterLayout() == FilterLayout.LIBVIRT_LINEAR) {
          assertThat(id).isLessThanOrEqualTo(0xfff).isNotEqualTo(0x800);
        }
        assertThat(tree.classIds().isUsed(id)).isTrue();
      }
      assertThat(tree.classIds().usedCount()).isEqualTo(ids.size());
    }));
  }

  @Property
  void floorsNeverOversubscribeTheNetwork(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    Rate capacity = config.floorCapacity().orElseThrow();
    run(config, commands, everyTree(tree -> {
      Rate sum = Rate.ZERO;
      for (PluggedInterface p : tree.interfaces().values()) {
        sum = sum.plus(p.bandwidth().floorOrZero());
      }
      assertThat(tree.floorSum()).isEqualTo(sum);
      assertThat(sum).isLessThanOrEqualTo(capacity);
    }));
  }

  @Property
  void aRejectedOperationChangesNothing(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, new StepCheck() {
      @Override
      public void accepted(HtbTree before, TreeOperation command, TreeChange change) {}

      @Override
      public void rejected(HtbTree before, TreeOperation command, RuntimeException e) {
        List<TcObject> objectsBefore = before.kernelObjects();
        NetworkStatus statusBefore = NetworkStatus.of(before);
        // the model is immutable: retrying gives the same refusal and the tree is untouched
        try {
          command.applyTo(before);
          throw new AssertionError(command + " was refused once and accepted the second time");
        } catch (RuntimeException again) {
          assertThat(again).hasSameClassAs(e).hasMessage(e.getMessage());
        }
        assertThat(before.kernelObjects()).isEqualTo(objectsBefore);
        assertThat(NetworkStatus.of(before)).isEqualTo(statusBefore);
      }
    });
  }

  @Property
  void thePlanTurnsTheOldKernelStateIntoTheNew(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    HtbTree start = HtbTree.start(config).tree();
    InMemoryTrafficControl kernel = kernelWith(start);
    run(config, commands, (before, command, change) -> {
      kernel.apply(change.plan()); // the simulated kernel refuses out-of-order operations
      assertThat(objects(kernel)).as("kernel after %s", command).isEqualTo(objects(change.tree()));
    });
  }

  /**
   * Plain plugs and unplugs build their plan and undo directly (the model's DirectPlan) instead of
   * diffing; every change, direct or not, must be exactly (same operations, same order) what
   * {@link PlanDiff} makes from the whole trees before and after.
   */
  @Property(tries = 2000)
  void directPlansAreWhatPlanDiffMakes(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, (before, command, change) -> {
      List<TcObject> was = before.kernelObjects();
      List<TcObject> now = change.tree().kernelObjects();
      // beyond PlanDiff, a changed priority re-adds the class's unchanged leaf (delete, add)
      assertThat(withoutReaddedLeaves(change.plan(), was, now)).as("plan of %s", command)
          .isEqualTo(PlanDiff.between(was, now));
      assertThat(withoutReaddedLeaves(change.undo(), was, now)).as("undo of %s", command)
          .isEqualTo(PlanDiff.between(now, was));
    });
  }

  /** {@code plan} without the deletes and adds of leaf qdiscs that both trees hold unchanged. */
  private static io.netfloor.plan.Plan withoutReaddedLeaves(io.netfloor.plan.Plan plan,
      List<TcObject> was, List<TcObject> now) {
    return new io.netfloor.plan.Plan(plan.ops().stream()
        .filter(op -> !(op.object() instanceof io.netfloor.plan.LeafQdisc l && was.contains(l)
            && now.contains(l) && !(op instanceof io.netfloor.plan.TcOp.Change)))
        .toList());
  }

  @Property
  void planThenUndoRestoresTheTree(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    InMemoryTrafficControl kernel = kernelWith(HtbTree.start(config).tree());
    run(config, commands, (before, command, change) -> {
      kernel.apply(change.plan());
      kernel.apply(change.undo());
      assertThat(objects(kernel)).as("after undo of %s", command).isEqualTo(objects(before));
      kernel.apply(change.plan());
    });
  }

  @Property
  void undoOfAnyPrefixRestoresTheTree(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    InMemoryTrafficControl kernel = kernelWith(HtbTree.start(config).tree());
    run(config, commands, (before, command, change) -> {
      // a failure after k operations is undone with undoOfFirst(k)
      int k = change.plan().size() / 2;
      kernel.apply(new io.netfloor.plan.Plan(change.plan().ops().subList(0, k)));
      kernel.apply(change.plan().undoOfFirst(k));
      assertThat(objects(kernel)).isEqualTo(objects(before));
      kernel.apply(change.plan());
    });
  }

  @Property
  void theSameSequenceGivesTheSameIds(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    HtbTree first = run(config, commands, everyTree(t -> {}));
    HtbTree second = run(config, commands, everyTree(t -> {}));
    assertThat(second).isEqualTo(first);
    assertThat(second.kernelObjects()).isEqualTo(first.kernelObjects());
  }

  @Property
  void statusRoundTripRestoresTheSameTree(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, everyTree(tree -> {
      HtbTree restored = NetworkStatus.of(tree).toTree(config);
      assertThat(restored).isEqualTo(tree);
      assertThat(objects(restored)).isEqualTo(objects(tree));
    }));
  }

  @Property
  void everyFilterPointsAtAnExistingClassAndHandlesAreUnique(
      @ForAll("configs") NetworkConfig config, @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, everyTree(tree -> {
      Set<ClassHandle> classes = new HashSet<>();
      Set<Integer> handles = new HashSet<>();
      List<U32MacFilter> filters = new ArrayList<>();
      for (TcObject o : tree.kernelObjects()) {
        if (!o.device().equals(config.bridge())) {
          continue; // the outbound tree: see outboundFloorsHaveTheirOwnTreeAndAdmission
        }
        if (o instanceof HtbClass c) {
          classes.add(c.classId());
        } else if (o instanceof U32MacFilter f) {
          filters.add(f);
        }
      }
      for (U32MacFilter f : filters) {
        assertThat(classes).as("class of %s", f.describe()).contains(f.flowId());
        assertThat(handles.add(f.handle().toBits())).as("handle %s twice", f.handle()).isTrue();
        if (f.inHashBucket()) {
          assertThat(f.handle().bucket()).isEqualTo(f.mac().octet(5));
        } else if (f.flowId().minor() <= 199) {
          // libvirt's handle: 800:: and the decimal digits of 800 + id (tc reads them as hex)
          assertThat(f.handle().toString()).isEqualTo("800::" + (800 + f.flowId().minor()));
        }
      }
      // a filter on the bridge for each inbound class: an inbound floor or a priority
      long floored = tree.interfaces().values().stream().filter(PluggedInterface::hasInboundClass)
          .count();
      assertThat(filters).hasSize((int) floored);
    }));
  }

  @Property
  void theDefaultClassKeepsWhatFloorsLeaveButNeverLessThanTheMinimum(
      @ForAll("configs") NetworkConfig config, @ForAll("scenarios") List<TreeOperation> commands) {
    Rate capacity = config.floorCapacity().orElseThrow();
    run(config, commands, everyTree(tree -> {
      HtbClass defaultClass = tree.kernelObjects().stream()
          .filter(o -> o instanceof HtbClass c && c.classId().equals(HtbTree.DEFAULT_CLASS))
          .map(o -> (HtbClass) o).findFirst().orElseThrow();
      Rate left = capacity.minusOrZero(tree.floorSum());
      assertThat(defaultClass.rate()).isEqualTo(Rate.max(left, HtbTree.MIN_DEFAULT_RATE));
      assertThat(defaultClass.rate()).isGreaterThan(Rate.ZERO);
      assertThat(defaultClass.ceil()).isGreaterThanOrEqualTo(defaultClass.rate());
    }));
  }

  @Property
  void floorClassesCarryTheFloorAndTheirCeilingNeverExceedsTheNetwork(
      @ForAll("configs") NetworkConfig config, @ForAll("scenarios") List<TreeOperation> commands) {
    Rate netCeil = config.inboundCeiling().orElseThrow();
    run(config, commands, everyTree(tree -> {
      for (PluggedInterface p : tree.interfaces().values()) {
        Optional<HtbClass> cls = tree.kernelObjects().stream()
            .filter(o -> o.device().equals(config.bridge()))
            .filter(o -> o instanceof HtbClass c && p.floorClass().isPresent()
                && c.classId().equals(p.floorClass().get()))
            .map(o -> (HtbClass) o).findFirst();
        assertThat(cls.isPresent()).isEqualTo(p.hasInboundClass());
        cls.ifPresent(c -> {
          assertThat(c.rate()).isEqualTo(p.bandwidth().hasFloor() ? p.bandwidth().floorOrZero()
              : HtbTree.PRIORITY_ONLY_RATE);
          assertThat(c.prio()).isEqualTo(p.bandwidth().priority().map(Priority::value).orElse(0));
          assertThat(c.ceil()).isLessThanOrEqualTo(netCeil).isGreaterThanOrEqualTo(c.rate());
          assertThat(c.parent()).isEqualTo(HtbTree.TOP_CLASS);
        });
      }
    }));
  }

  @Property
  void parkedClassesHaveNoFilterAndArePreferredByPlugs(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, (before, command, change) -> {
      HtbTree after = change.tree();
      for (int id : after.parkedClassIds()) {
        assertThat(after.kernelObjects()).noneMatch(o -> o instanceof U32MacFilter f
            && f.flowId().minor() == id);
      }
      if (command instanceof TreeOperation.Plug && !before.parkedClassIds().isEmpty()
          && change.affected().filter(PluggedInterface::hasInboundClass).isPresent()) {
        // parked classes sit in the inbound tree: an interface with an inbound class (an inbound
        // floor or a priority) takes one
        assertThat(change.affected().get().classMinor()).isEqualTo(before.parkedClassIds().first());
        assertThat(change.plan().ops()).noneMatch(op -> op instanceof io.netfloor.plan.TcOp.Add a
            && a.object() instanceof HtbClass c && c.device().equals(config.bridge()));
      }
    });
  }

  @Property
  void aStoppedNetworkLeavesNothingBehind(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    HtbTree end = run(config, commands, everyTree(t -> {}));
    InMemoryTrafficControl kernel = kernelWith(end);
    assertThat(objects(kernel)).isEqualTo(objects(end));
    kernel.apply(end.teardownPlan());
    assertThat(kernel.objects()).isEmpty();
    // deleting a root, ingress qdisc or ifb device takes everything under it along
    assertThat(end.teardownPlan().ops()).allMatch(op -> op instanceof io.netfloor.plan.TcOp.Delete d
        && (d.object() instanceof io.netfloor.plan.HtbQdisc
            || d.object() instanceof io.netfloor.plan.IngressQdisc
            || d.object() instanceof io.netfloor.plan.IfbDevice));
  }

  /**
   * Outbound floors: each interface with one has its class (rate = the floor, ceil within the
   * network's outbound ceiling) and a source-MAC filter with its one handle in the outbound tree,
   * nothing else is there, the outbound floors never exceed the outbound capacity, and the outbound
   * default class keeps what they leave. Without a placement, no interface has one.
   */
  @Property
  void outboundFloorsHaveTheirOwnTreeAndAdmission(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, everyTree(tree -> {
      Rate sum = Rate.ZERO;
      for (PluggedInterface p : tree.interfaces().values()) {
        sum = sum.plus(p.bandwidth().outboundFloorOrZero());
      }
      assertThat(tree.outboundFloorSum()).isEqualTo(sum);
      if (!config.supportsOutboundFloors()) {
        assertThat(sum).isEqualTo(Rate.ZERO);
        return;
      }
      assertThat(sum).isLessThanOrEqualTo(config.outboundFloorCapacity().orElseThrow());
      io.netfloor.units.InterfaceName dev = config.outboundFloorDevice().orElseThrow();
      java.util.Map<ClassHandle, HtbClass> classes = new java.util.HashMap<>();
      java.util.Map<ClassHandle, U32MacFilter> filters = new java.util.HashMap<>();
      for (TcObject o : tree.kernelObjects()) {
        if (o.device().equals(dev) && o instanceof HtbClass c) {
          classes.put(c.classId(), c);
        } else if (o.device().equals(dev) && o instanceof U32MacFilter f) {
          assertThat(f.field()).isEqualTo(io.netfloor.plan.MacField.SOURCE);
          assertThat(filters.put(f.flowId(), f)).isNull();
        }
      }
      int floored = 0;
      for (PluggedInterface p : tree.interfaces().values()) {
        if (!p.bandwidth().hasOutboundFloor()) {
          continue;
        }
        floored++;
        HtbClass c = classes.get(p.floorClass().orElseThrow());
        assertThat(c.rate()).isEqualTo(p.bandwidth().outboundFloorOrZero());
        assertThat(c.ceil()).isLessThanOrEqualTo(config.outboundCeiling().orElseThrow())
            .isGreaterThanOrEqualTo(c.rate());
        U32MacFilter f = filters.get(p.floorClass().get());
        assertThat(f.mac()).isEqualTo(p.mac());
        assertThat(f.handle()).isEqualTo(p.filterHandle().orElseThrow());
      }
      assertThat(filters).hasSize(floored);
      assertThat(classes).hasSize(floored + 2); // 1:1 and the default class 1:2
      assertThat(classes.get(HtbTree.DEFAULT_CLASS).rate()).isEqualTo(Rate.max(
          config.outboundFloorCapacity().get().minusOrZero(sum), HtbTree.MIN_DEFAULT_RATE));
    }));
  }

  /**
   * A change's own status records, replayed on the status before it, give the status after it,
   * and they are exactly the records the oracle {@link StatusDiff} derives by diffing the two whole
   * trees (how the engine made them before each transition wrote its own): the same records in the
   * same order, so stores write the same bytes as before.
   */
  @Property
  void aChangesRecordsReplayToTheStatusAfterIt(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands) {
    run(config, commands, (before, command, change) -> {
      NetworkStatus status = NetworkStatus.of(before);
      for (StatusChange c : change.records()) {
        status = c.applyTo(status);
      }
      assertThat(status).isEqualTo(NetworkStatus.of(change.tree()));
      assertThat(change.records()).isEqualTo(StatusDiff.between(before, change.tree()));
    });
  }

  /** A resize records only its new limits; replayed, they give the resized tree back. */
  @Property
  void aResizesRecordReplaysToTheResizedTree(@ForAll("configs") NetworkConfig config,
      @ForAll("scenarios") List<TreeOperation> commands,
      @ForAll("inboundLimits") Limits inbound) {
    HtbTree end = run(config, commands, everyTree(t -> {}));
    TreeChange change;
    try {
      change = end.resize(inbound);
    } catch (AdmissionException | InvalidValueException refused) {
      boolean fits = config.supportsFloors() && end.floorSum().compareTo(
          config.toBuilder().inbound(inbound).build().floorCapacity().orElseThrow()) <= 0;
      assertThat(fits).as("refused: %s", refused.getMessage()).isFalse();
      return;
    }
    assertThat(change.records()).containsExactly(new StatusChange.InboundResized(inbound));
    NetworkStatus status = NetworkStatus.of(end);
    for (StatusChange c : change.records()) {
      status = c.applyTo(status);
    }
    assertThat(status.toTree(config)).isEqualTo(change.tree());
    InMemoryTrafficControl kernel = kernelWith(end);
    kernel.apply(change.plan());
    assertThat(objects(kernel)).isEqualTo(objects(change.tree()));
    kernel.apply(change.undo());
    assertThat(objects(kernel)).isEqualTo(objects(end));
  }

  /** Averages of whole Mbit/s: every class of the resized tree is one the kernel accepts. */
  @Provide
  Arbitrary<Limits> inboundLimits() {
    return net.jqwik.api.Arbitraries.integers().between(1, 10_000)
        .map(mbit -> Limits.averageOnly(Rate.ofMegabits(mbit)));
  }

  /**
   * The test's oracle of a change's status records: a diff of the two whole trees. Each interface
   * that went gives an {@code InterfaceRemoved}, each that came or changed an {@code InterfaceSet}
   * (by alias); then the ids that left the parked set (but for one an {@code InterfaceSet} takes,
   * which unparks it itself) and the ids that joined it. That order keeps every prefix a status a
   * tree can hold: an interface's id is parked only after the interface's record let it go.
   */
  static final class StatusDiff {
    private StatusDiff() {}

    static List<StatusChange> between(HtbTree before, HtbTree after) {
      List<StatusChange> out = new ArrayList<>();
      Set<Integer> taken = new HashSet<>();
      java.util.SortedSet<String> aliases = new java.util.TreeSet<>(before.interfaces().keySet());
      aliases.addAll(after.interfaces().keySet());
      for (String alias : aliases) {
        PluggedInterface was = before.interfaces().get(alias);
        PluggedInterface now = after.interfaces().get(alias);
        if (now == null) {
          out.add(new StatusChange.InterfaceRemoved(alias));
        } else if (!now.equals(was)) {
          out.add(new StatusChange.InterfaceSet(now));
          taken.add(now.classMinor());
        }
      }
      java.util.SortedSet<Integer> added = new java.util.TreeSet<>(after.parkedClassIds());
      added.removeAll(before.parkedClassIds());
      java.util.SortedSet<Integer> removed = new java.util.TreeSet<>(before.parkedClassIds());
      removed.removeAll(after.parkedClassIds());
      removed.removeAll(taken);
      if (!removed.isEmpty()) {
        out.add(new StatusChange.ClassesUnparked(removed));
      }
      if (!added.isEmpty()) {
        out.add(new StatusChange.ClassesParked(added));
      }
      return out;
    }
  }
}
