// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.Bandwidth;
import io.netfloor.model.ClassStrategy;
import io.netfloor.model.FilterLayout;
import io.netfloor.model.HtbTree;
import io.netfloor.model.Limits;
import io.netfloor.model.NetworkConfig;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link PlanDiff#between} matches small inputs by a linear scan and large ones through hash maps.
 * Both must give exactly the same plan: the small case is compared with the same inputs padded
 * with identical objects on both sides (which add no operation) until they take the map path.
 * Inputs are random subsets of the kernel objects of two random trees of one network, so objects
 * appear, disappear, change in place (rates), or are replaced (filters, parents).
 */
class PlanDiffSmallInputProperties {

  @Property(tries = 500)
  void smallInputsGiveTheSamePlanAsTheGeneralPath(@ForAll long seed) {
    Random r = new Random(seed);
    FilterLayout layout = r.nextBoolean() ? FilterLayout.HASHED : FilterLayout.LIBVIRT_LINEAR;
    ClassStrategy strategy = r.nextBoolean() ? ClassStrategy.PARKED_POOL : ClassStrategy.ADD_ON_PLUG;
    HtbTree a = randomTree("br0", layout, strategy, r);
    HtbTree b = r.nextInt(4) == 0 ? a : mutate(a, r);
    List<TcObject> before = sample(a.kernelObjects(), r);
    List<TcObject> after = sample(b.kernelObjects(), r);
    if (r.nextInt(5) == 0 && !after.isEmpty()) {
      after.add(after.get(r.nextInt(after.size()))); // a repeat of an equal object is allowed
    }
    // padding: a whole tree on another bridge, identical on both sides
    List<TcObject> pad = randomTree("pad0", layout, strategy, r).kernelObjects();
    while (pad.size() < 30) {
      pad = randomTree("pad0", layout, strategy, r).kernelObjects();
    }
    List<TcObject> paddedBefore = new ArrayList<>(before);
    paddedBefore.addAll(pad);
    List<TcObject> paddedAfter = new ArrayList<>(pad);
    paddedAfter.addAll(after);

    Plan small = PlanDiff.between(before, after);
    assertThat(before.size() + after.size()).isLessThanOrEqualTo(24);
    assertThat(small).isEqualTo(PlanDiff.between(paddedBefore, paddedAfter));
    assertThat(PlanDiff.between(after, before))
        .isEqualTo(PlanDiff.between(paddedAfter, paddedBefore));
  }

  private static HtbTree randomTree(String bridge, FilterLayout layout, ClassStrategy strategy,
      Random r) {
    NetworkConfig config = NetworkConfig.builder("net", bridge)
        .inbound(Limits.averageOnly(Rate.parse("1gbit")))
        .filterLayout(layout).classStrategy(strategy).build();
    HtbTree t = HtbTree.start(config).tree();
    if (strategy == ClassStrategy.PARKED_POOL) {
      t = t.park(r.nextInt(4)).tree();
    }
    int n = r.nextInt(8) + (bridge.equals("pad0") ? 8 : 0);
    for (int i = 0; i < n; i++) {
      t = t.plug("vm" + i, mac(i, r), Bandwidth.floor(Rate.parse((1 + r.nextInt(20)) + "mbit")))
          .tree();
    }
    return t;
  }

  private static HtbTree mutate(HtbTree t, Random r) {
    for (int k = 0, steps = 1 + r.nextInt(3); k < steps; k++) {
      List<String> aliases = new ArrayList<>(t.interfaces().keySet());
      Collections.sort(aliases);
      int op = r.nextInt(4);
      if (op == 0 || aliases.isEmpty()) {
        t = t.plug("new" + k, mac(100 + k, r), Bandwidth.floor(Rate.parse((1 + r.nextInt(9))
            + "mbit"))).tree();
      } else if (op == 1) {
        t = t.unplug(aliases.get(r.nextInt(aliases.size()))).tree();
      } else if (op == 2) {
        t = t.update(aliases.get(r.nextInt(aliases.size())),
            Bandwidth.floor(Rate.parse((1 + r.nextInt(30)) + "mbit"))).tree();
      } else {
        t = t.changeMac(aliases.get(r.nextInt(aliases.size())), mac(200 + k, r)).tree();
      }
    }
    return t;
  }

  private static MacAddress mac(int i, Random r) {
    // few distinct last bytes, so hashed filters share buckets
    return MacAddress.of(new byte[] {0x52, 0x54, 0, (byte) i, (byte) r.nextInt(256),
        (byte) r.nextInt(4)});
  }

  private static List<TcObject> sample(List<TcObject> objects, Random r) {
    List<TcObject> out = new ArrayList<>();
    for (TcObject o : objects) {
      if (out.size() < 11 && r.nextInt(3) != 0) {
        out.add(o);
      }
    }
    Collections.shuffle(out, r);
    return out;
  }
}
