// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.AdmissionException;
import io.netfloor.InterfaceConflictException;
import io.netfloor.plan.PlanDiff;
import io.netfloor.plan.TcObject;
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
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Plugs and unplugs build their plan and undo directly instead of diffing the whole trees (for
 * speed); whatever the layout, class strategy, admission rule, parked pool and floors, each change's
 * plan and undo must be exactly what {@link PlanDiff} makes from the trees' objects, must apply to
 * the simulated kernel, and the undo must bring the kernel back.
 */
class DirectPlanProperties {
  private static final InterfaceName BR = InterfaceName.of("br0");

  sealed interface Op permits Plug, Unplug, Update, ChangeMac, Park, Release {}

  record Plug(int slot, int floorMbit, int averageMbit) implements Op {}

  record Unplug(int slot) implements Op {}

  record Update(int slot, int floorMbit) implements Op {}

  record ChangeMac(int slot, int mac) implements Op {}

  record Park(int count) implements Op {}

  record Release(int count) implements Op {}

  @Provide
  Arbitrary<NetworkConfig> configs() {
    return Combinators.combine(Arbitraries.of(FilterLayout.values()),
        Arbitraries.of(ClassStrategy.values()), Arbitraries.of(AdmissionLimit.values()),
        Arbitraries.of(TrafficMatch.values()), Arbitraries.of(true, false))
        .as((layout, strategy, admission, match, peak) -> NetworkConfig.builder("net", "br0")
            .inbound(peak
                ? Limits.builder().average(Rate.parse("20mbit")).peak(Rate.parse("30mbit")).build()
                : Limits.averageOnly(Rate.parse("20mbit")))
            .filterLayout(layout).classStrategy(strategy).admissionLimit(admission)
            .trafficMatch(match).build());
  }

  @Provide
  Arbitrary<Op> ops() {
    Arbitrary<Integer> slot = Arbitraries.integers().between(0, 5);
    // 0 = no floor; averages of 0 = none of its own
    Arbitrary<Integer> floor = Arbitraries.of(0, 0, 1, 2, 5, 9);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Combinators.combine(slot, floor,
            Arbitraries.of(0, 0, 10, 40)).as(Plug::new)),
        net.jqwik.api.Tuple.of(4, slot.map(Unplug::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(slot, floor).as(Update::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(slot, Arbitraries.integers().between(0, 7))
            .as(ChangeMac::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 3).map(Park::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 3).map(Release::new)));
  }

  private static Bandwidth bandwidth(int floorMbit, int averageMbit) {
    if (averageMbit == 0) {
      return floorMbit == 0 ? Bandwidth.NONE : Bandwidth.floor(Rate.ofMegabits(floorMbit));
    }
    Limits.Builder b = Limits.builder().average(Rate.ofMegabits(averageMbit));
    if (floorMbit > 0) {
      b.floor(Rate.ofMegabits(floorMbit));
    }
    return Bandwidth.inboundOnly(b.build());
  }

  private static MacAddress mac(int slot, int variant) {
    // two slots share a hash bucket (the last byte) in pairs, so buckets hold several nodes
    return MacAddress.parse(String.format("52:54:00:%02x:%02x:%02x", variant, slot, slot / 2));
  }

  private static TreeChange apply(HtbTree tree, Op op) {
    String alias = op instanceof Plug p ? "if" + p.slot()
        : op instanceof Unplug u ? "if" + u.slot()
        : op instanceof Update u ? "if" + u.slot()
        : op instanceof ChangeMac c ? "if" + c.slot() : null;
    boolean plugged = alias != null && tree.find(alias).isPresent();
    if (op instanceof Plug p) {
      return plugged ? null : tree.plug(alias, mac(p.slot(), 0), bandwidth(p.floorMbit(),
          p.averageMbit()));
    } else if (op instanceof Unplug) {
      return plugged ? tree.unplug(alias) : null;
    } else if (op instanceof Update u) {
      return plugged ? tree.update(alias, bandwidth(u.floorMbit(), 0)) : null;
    } else if (op instanceof ChangeMac c) {
      return plugged ? tree.changeMac(alias, mac(c.slot(), c.mac())) : null;
    } else if (op instanceof Park p) {
      return tree.park(p.count());
    }
    return tree.releaseParked(((Release) op).count());
  }

  @Property(tries = 300)
  void everyChangesPlanAndUndoAreWhatPlanDiffMakesAndApply(
      @ForAll("configs") NetworkConfig config, @ForAll @Size(max = 30) List<@From("ops") Op> ops) {
    HtbTree tree = HtbTree.start(config).tree();
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR);
    kernel.apply(tree.buildPlan());
    for (Op op : ops) {
      TreeChange change;
      try {
        change = apply(tree, op);
      } catch (AdmissionException full) {
        continue; // a floor the network cannot guarantee: refused, the tree unchanged
      } catch (InterfaceConflictException sameMac) {
        continue; // a MAC another interface holds
      }
      if (change == null) {
        continue;
      }
      List<TcObject> was = tree.kernelObjects();
      List<TcObject> now = change.tree().kernelObjects();
      assertThat(change.plan()).as("plan of %s", op).isEqualTo(PlanDiff.between(was, now));
      assertThat(change.undo()).as("undo of %s", op).isEqualTo(PlanDiff.between(now, was));
      assertThat(NetworkStatus.of(change.tree()).toTree(config)).as("restorable after %s", op)
          .isEqualTo(change.tree());

      kernel.apply(change.plan());
      kernel.apply(change.undo());
      assertThat(kernel.objects()).as("undone %s", op).containsExactlyInAnyOrderElementsOf(was);
      kernel.apply(change.plan());
      assertThat(kernel.objects()).as("after %s", op).containsExactlyInAnyOrderElementsOf(now);
      Optional<PluggedInterface> affected = change.affected();
      if (op instanceof Unplug || op instanceof Park || op instanceof Release) {
        assertThat(affected).isEmpty();
      } else {
        String alias = affected.orElseThrow().alias().value();
        assertThat(change.tree().find(alias)).isEqualTo(affected);
      }
      tree = change.tree();
    }
  }
}
