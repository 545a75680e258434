// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkStatus;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import io.netfloor.testkit.FaultyStatusStore;
import io.netfloor.testkit.FaultyTrafficControl;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * A kernel that refuses random operations (including operations of undo plans) and a store that
 * fails random writes: after every failure the engine's model and the store agree, no filter points
 * at a missing class, and one {@code reconcile} once faults stop makes the kernel equal the model.
 */
class FaultInjectionProperties {
  private static final InterfaceName BR = InterfaceName.of("br0");

  record Step(int kind, int alias, int floorMbit) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> "plug(vm" + alias + ", floor=" + floorMbit + "mbit)";
        case 1 -> "unplug(vm" + alias + ")";
        case 2 -> "update(vm" + alias + ", floor=" + floorMbit + "mbit)";
        case 3 -> "park(2)";
        case 4 -> "run pool top-ups";
        default -> "11 minutes idle, maintainPool()";
      };
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(Arbitraries.integers().between(0, 5),
        Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 40))
        .as(Step::new).list().ofMinSize(8).ofMaxSize(30);
  }

  @Provide
  Arbitrary<Set<Long>> kernelFaults() {
    return Arbitraries.longs().between(6, 100).set().ofMaxSize(6);
  }

  @Provide
  Arbitrary<Set<Long>> storeFaults() {
    return Arbitraries.longs().between(2, 30).set().ofMaxSize(4);
  }

  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:00:00:%02x", i + 1));
  }

  @Property(tries = 1000)
  void afterAnyFaultTheInvariantsHoldAndReconcileRepairsTheKernel(
      @ForAll FilterLayout layout, @ForAll ClassStrategy strategy,
      @ForAll("steps") List<Step> steps, @ForAll("kernelFaults") Set<Long> kernelFaults,
      @ForAll("storeFaults") Set<Long> storeFaults, @ForAll boolean outboundFloors) {
    NetworkConfig.Builder builder = NetworkShaperTest.config(layout).toBuilder()
        .classStrategy(strategy);
    if (outboundFloors) {
      // a second tree, on the bridge's ifb: its objects fail and are undone like the bridge's
      builder.outbound(io.netfloor.model.Limits.averageOnly(Rate.ofMegabits(60)))
          .outboundFloors(io.netfloor.model.OutboundFloorPlacement.bridgeIngress());
    }
    NetworkConfig config = builder.build();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    InMemoryStatusStore backing = new InMemoryStatusStore();
    FaultyTrafficControl tc = new FaultyTrafficControl(kernel, kernelFaults);
    FaultyStatusStore store = new FaultyStatusStore(backing, storeFaults);
    tc.setEnabled(false);
    store.setEnabled(false);
    // a small self-managing pool whose top-ups run when a step says so, and a clock steps advance
    java.util.ArrayDeque<Runnable> poolTasks = new java.util.ArrayDeque<>();
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    NetworkShaper shaper = NetworkShaper.create(config, tc, store, ShaperOptions.builder()
        .parkedPool(new ParkedPoolPolicy(true, 3, 4, 8, java.time.Duration.ofMinutes(10)))
        .poolExecutor(poolTasks::add).nanoTicker(nanos::get).build());
    shaper.start();
    tc.setEnabled(true);
    store.setEnabled(true);

    for (Step s : steps) {
      try {
        switch (s.kind()) {
          case 0 -> shaper.plug("vm" + s.alias(), mac(s.alias()), bandwidth(s, outboundFloors));
          case 1 -> shaper.unplug("vm" + s.alias());
          case 2 -> shaper.update("vm" + s.alias(), bandwidth(s, outboundFloors));
          case 3 -> shaper.park(2);
          case 4 -> {
            while (!poolTasks.isEmpty()) {
              poolTasks.poll().run();
            }
          }
          default -> {
            nanos.addAndGet(java.time.Duration.ofMinutes(11).toNanos());
            shaper.maintainPool();
          }
        }
      } catch (NetFloorException expected) {
        // refused, kernel fault or store fault: checked below
      }
      HtbTree model = shaper.tree();
      assertThat(backing.load("net").orElseThrow()).as("store after %s", s)
          .isEqualTo(NetworkStatus.of(model));
      assertThat(model.floorSum()).isLessThanOrEqualTo(config.floorCapacity().orElseThrow());
      assertThat(model.outboundFloorSum())
          .isLessThanOrEqualTo(config.outboundFloorCapacity().orElse(Rate.ZERO));
      assertNoFilterWithoutClass(kernel.objects());
    }

    Statistics.label("kernel faults injected").collect(tc.faults() > 0);
    Statistics.label("store faults injected").collect(store.faults() > 0);
    Statistics.label("kernel faults injected").coverage(c -> c.check(true).percentage(p -> p > 30));
    Statistics.label("store faults injected").coverage(c -> c.check(true).percentage(p -> p > 20));
    tc.setEnabled(false);
    store.setEnabled(false);
    shaper.reconcile();
    HtbTree model = shaper.tree();
    assertThat(new HashSet<>(kernel.objects())).isEqualTo(new HashSet<>(model.kernelObjects()));
    assertThat(backing.load("net").orElseThrow()).isEqualTo(NetworkStatus.of(model));
    // a fresh engine on the same store sees the same network, with nothing to repair
    NetworkShaper fresh = NetworkShaperTest.create(config, kernel, backing);
    assertThat(fresh.start().wasClean()).isTrue();
    assertThat(NetworkStatus.of(fresh.tree())).isEqualTo(NetworkStatus.of(model));
  }

  /**
   * The step's bandwidth: its floor and, on a network with outbound floors, an outbound floor
   * for some interfaces (floor-only outbound when there is no inbound floor).
   */
  private static Bandwidth bandwidth(Step s, boolean outboundFloors) {
    Bandwidth b = s.floorMbit() == 0 ? Bandwidth.NONE
        : Bandwidth.floor(Rate.ofMegabits(s.floorMbit()));
    int out = outboundFloors ? (s.floorMbit() + 7 * s.alias()) % 30 : 0;
    return out == 0 ? b : b.withOutboundFloor(Rate.ofMegabits(out));
  }

  static void assertNoFilterWithoutClass(List<TcObject> objects) {
    Set<List<Object>> classes = new HashSet<>();
    for (TcObject o : objects) {
      if (o instanceof HtbClass c) {
        classes.add(List.of(c.device(), c.classId()));
      }
    }
    for (TcObject o : objects) {
      if (o instanceof U32MacFilter f) {
        assertThat(classes).as("class of %s", f.describe())
            .contains(List.of(f.device(), f.flowId()));
      }
    }
  }
}
