// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.NetFloorException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.model.NetworkName;
import io.netfloor.model.OutboundShaping;
import io.netfloor.model.TrafficMatch;
import io.netfloor.persistence.InMemoryStatusStore;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.TcOp;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Reconcile converges: after any sequence of changes, and after any damage to the kernel that one
 * reconcile repairs, the next reconcile finds nothing to repair. The simulated kernel behaves as
 * HTB does where it matters here (rates kept in whole bytes per second, quantum and prio of a class
 * with children left as they were), so a model that asked for something the kernel drops would
 * "repair" it forever and fail this property.
 */
class ReconcileConvergenceProperties {
  private static final InterfaceName BR = InterfaceName.of("br0");

  /** One step: a change through the engine, or damage done behind its back. */
  record Step(int kind, int alias, int value) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> "plug(vm" + alias + ", floor=" + value + "mbit)";
        case 1 -> "plugWithDevice(vm" + alias + ", floor=" + value + "mbit)";
        case 2 -> "unplug(vm" + alias + ")";
        case 3 -> "update(vm" + alias + ", floor=" + value + "mbit)";
        case 4 -> "changeMac(vm" + alias + ")";
        case 5 -> "park(" + (value % 3) + ")";
        case 6 -> "damage: delete object #" + value;
        case 7 -> "damage: re-rate class #" + value;
        default -> "damage: raise the ceiling of class #" + value;
      };
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(Arbitraries.integers().between(0, 8),
        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 60))
        .as(Step::new).list().ofMinSize(5).ofMaxSize(25);
  }

  @Provide
  Arbitrary<Rate> networkRates() {
    return Arbitraries.oneOf(Arbitraries.of(Rate.ofBitsPerSecond(Long.MAX_VALUE),
            Rate.ofBitsPerSecond(Long.MAX_VALUE - 7), Rate.parse("1gbit")),
        Arbitraries.longs().between(200_000_001L, Long.MAX_VALUE).map(Rate::ofBitsPerSecond));
  }

  @Property(tries = 300)
  void aSecondReconcileFindsNothingToRepair(@ForAll FilterLayout layout,
      @ForAll ClassStrategy strategy, @ForAll boolean ipv4Only,
      @ForAll("networkRates") Rate average, @ForAll("steps") List<Step> steps) {
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.builder().average(average).build())
        .filterLayout(layout).classStrategy(strategy)
        .trafficMatch(ipv4Only ? TrafficMatch.IPV4_ONLY : TrafficMatch.ALL_ETHERTYPES)
        .outboundShaping(OutboundShaping.IFB_REDIRECT).build();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    for (int i = 0; i < 6; i++) {
      kernel.addDevice(InterfaceName.of("tap" + i));
    }
    NetworkShaper shaper = NetworkShaperTest.create(config, kernel, new InMemoryStatusStore());
    ReconcileReport started = shaper.start();
    assertThat(started.built().isEmpty()).as("a first start builds").isFalse();
    assertThat(started.repairs().ops()).as("and repairs nothing").isEmpty();
    assertClean(shaper.reconcile(), "after start");
    for (Step s : steps) {
      try {
        apply(shaper, kernel, s);
      } catch (NetFloorException refused) {
        // admission, conflicts, damage the kernel refuses (EBUSY): nothing changed
      }
      if (s.kind() >= 6) {
        shaper.reconcile(); // repairs the damage
      }
      assertKernelHoldsTheModel(kernel, shaper);
      assertClean(shaper.reconcile(), "after " + s);
    }
  }

  /**
   * Adopting a tree another tool built, whose inner class 1:1 carries a quantum NetFloor would not
   * give it (libvirt's 85 bytes): HTB ignores a quantum change on a class with children, so a
   * reconcile that compared it would "repair" it forever.
   */
  @net.jqwik.api.Example
  void adoptingATreeWithAnotherQuantumOnItsInnerClassConverges() {
    NetworkConfig config = NetworkConfig.builder("net", "br0")
        .inbound(Limits.builder().average(Rate.parse("100mbit")).build())
        .filterLayout(FilterLayout.LIBVIRT_LINEAR).trafficMatch(TrafficMatch.IPV4_ONLY).build();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    HtbClass top = (HtbClass) io.netfloor.model.HtbTree.empty(config).kernelObjects().stream()
        .filter(o -> o instanceof HtbClass c && c.classId().equals(
            io.netfloor.model.HtbTree.TOP_CLASS)).findFirst().orElseThrow();
    List<TcObject> foreignBuilt = io.netfloor.model.HtbTree.empty(config).kernelObjects().stream()
        .filter(o -> !(o instanceof io.netfloor.plan.U32OwnerMark))
        .map(o -> o.equals(top) ? new HtbClass(top.device(), top.classId(), top.parent(), top.rate(),
            top.ceil(), top.burst(), top.cburst(), 85, 0) : o)
        .toList();
    kernel.apply(io.netfloor.plan.PlanDiff.between(List.of(), foreignBuilt));
    NetworkShaper shaper = NetworkShaperTest.create(config, kernel, new InMemoryStatusStore());
    shaper.adopt(io.netfloor.model.NetworkStatus.empty(NetworkName.of("net"), BR));
    assertThat(kernel.objects()).anySatisfy(o -> assertThat(o).isInstanceOfSatisfying(
        HtbClass.class, c -> {
          assertThat(c.classId()).isEqualTo(io.netfloor.model.HtbTree.TOP_CLASS);
          assertThat(c.quantumBytes()).isEqualTo(85); // what the kernel keeps
        }));
    assertClean(shaper.reconcile(), "after adoption");
  }

  /**
   * Every object the model stands for is in the simulated kernel, classes at the model's rates (in
   * the kernel's whole bytes per second), and nothing else is.
   */
  private static void assertKernelHoldsTheModel(InMemoryTrafficControl kernel,
      NetworkShaper shaper) {
    java.util.Map<io.netfloor.plan.ObjectKey, TcObject> want = new java.util.HashMap<>();
    shaper.tree().kernelObjects().forEach(o -> want.put(o.key(), o));
    java.util.Map<io.netfloor.plan.ObjectKey, TcObject> have = new java.util.HashMap<>();
    kernel.objects().forEach(o -> have.put(o.key(), o));
    java.util.Set<String> extra = new java.util.TreeSet<>();
    have.forEach((k, o) -> {
      if (!want.containsKey(k)) {
        extra.add(o.describe());
      }
    });
    java.util.Set<String> missing = new java.util.TreeSet<>();
    want.forEach((k, o) -> {
      if (!have.containsKey(k)) {
        missing.add(o.describe());
      }
    });
    assertThat(extra).as("in the kernel, not in the model").isEmpty();
    assertThat(missing).as("in the model, not in the kernel").isEmpty();
    want.forEach((key, o) -> {
      if (o instanceof HtbClass w && have.get(key) instanceof HtbClass h) {
        assertThat(h.rate().bytesPerSecond()).as("rate of %s", key)
            .isEqualTo(w.rate().bytesPerSecond());
        assertThat(h.ceil().bytesPerSecond()).as("ceil of %s", key)
            .isEqualTo(w.ceil().bytesPerSecond());
      }
    });
  }

  private static void assertClean(ReconcileReport report, String when) {
    assertThat(report.repairs().ops()).as("repairs %s", when).isEmpty();
  }

  private static void apply(NetworkShaper shaper, InMemoryTrafficControl kernel, Step s) {
    String alias = "vm" + s.alias();
    Bandwidth floor = Bandwidth.floor(Rate.ofMegabits(Math.max(1, s.value())));
    switch (s.kind()) {
      case 0 -> shaper.plug(alias, mac(s.alias(), 0), floor);
      case 1 -> shaper.plug(alias, mac(s.alias(), 0),
          Optional.of(InterfaceName.of("tap" + s.alias())),
          new Bandwidth(Optional.of(Limits.builder().average(Rate.ofMegabits(200))
              .floor(Rate.ofMegabits(Math.max(1, s.value()))).build()),
              Optional.of(Limits.builder().average(Rate.ofMegabits(1 + s.value())).build())));
      case 2 -> shaper.unplug(alias);
      case 3 -> shaper.update(alias, s.value() == 0 ? Bandwidth.NONE : floor);
      case 4 -> shaper.changeMac(alias, mac(s.alias(), 1 + s.value() % 3));
      case 5 -> shaper.park(s.value() % 3);
      case 6 -> {
        List<TcObject> objects = kernel.objects();
        kernel.apply(Plan.of(new TcOp.Delete(objects.get(s.value() % objects.size()))));
      }
      case 7 -> {
        HtbClass c = someClass(kernel, s.value());
        HtbClass wrong = new HtbClass(c.device(), c.classId(), c.parent(), Rate.ofMegabits(3),
            Rate.max(Rate.ofMegabits(3), c.ceil()), c.burst(), c.cburst(), c.quantumBytes() + 1,
            (c.prio() + 1) % 8);
        kernel.apply(Plan.of(new TcOp.Change(c, wrong)));
      }
      default -> {
        // the ceiling alone: a reconcile that compared rates only would leave it wrong
        HtbClass c = someClass(kernel, s.value());
        HtbClass wrong = new HtbClass(c.device(), c.classId(), c.parent(), c.rate(),
            Rate.ofBitsPerSecond(Math.min(Long.MAX_VALUE / 2, c.ceil().bitsPerSecond()) + 8_000_000),
            c.burst(), c.cburst(), c.quantumBytes(), c.prio());
        kernel.apply(Plan.of(new TcOp.Change(c, wrong)));
      }
    }
  }

  private static HtbClass someClass(InMemoryTrafficControl kernel, int pick) {
    List<HtbClass> classes = kernel.objects().stream()
        .filter(o -> o instanceof HtbClass).map(o -> (HtbClass) o).toList();
    return classes.get(pick % classes.size());
  }

  private static MacAddress mac(int alias, int variant) {
    return MacAddress.parse(String.format("52:54:00:00:%02x:%02x", variant, alias + 1));
  }
}
