// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The HASHED layout's fallback when node 1 of a bucket is taken (nothing is free below the lowest
 * node), reached from a restored state as a host finds it after a long run of churn: plugs and MAC
 * changes into such buckets take the top of the first gap above the run from node 1, every handle
 * is a valid, distinct node of the MAC's bucket, and each plan applies to the simulated kernel,
 * which refuses a handle used twice.
 */
class HashBucketFallbackTreeTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final Bandwidth FLOOR = Bandwidth.floor(Rate.parse("1mbit"));

  private static NetworkConfig config() {
    return NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("10gbit"))).build(); // HASHED is the default
  }

  private static MacAddress mac(int i, int bucket) {
    return MacAddress.parse(String.format("52:54:00:00:%02x:%02x", i, bucket));
  }

  private static PluggedInterface recorded(String alias, int i, int bucket, int classId, int node) {
    return new PluggedInterface(alias, mac(i, bucket), FLOOR, classId,
        Optional.of(U32Handle.of(HtbTree.HASH_TABLE_ID, bucket, node)));
  }

  private static int node(HtbTree tree, String alias) {
    U32Handle h = tree.interfaces().get(alias).filterHandle().orElseThrow();
    assertThat(h.bucket()).isEqualTo(tree.interfaces().get(alias).mac().octet(5));
    return h.node();
  }

  @Test
  void plugsAndMacChangesIntoBucketsWhoseNodeOneIsTakenUseTheGapAboveTheRun() {
    // bucket 2a: the run 1..3 and the top node; bucket 2b: node 1 only
    HtbTree tree = HtbTree.restore(config(), List.of(
        recorded("a1", 1, 0x2a, 3, 1), recorded("a2", 2, 0x2a, 4, 2),
        recorded("a3", 3, 0x2a, 5, 3), recorded("atop", 4, 0x2a, 6, 0xfff),
        recorded("b1", 5, 0x2b, 7, 1)), List.of());
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR0);
    kernel.apply(tree.buildPlan());

    tree = apply(kernel, tree.plug("x", mac(6, 0x2a), FLOOR));
    assertThat(node(tree, "x")).as("below the top node, above the run 1..3").isEqualTo(0xffe);
    tree = apply(kernel, tree.plug("y", mac(7, 0x2b), FLOOR));
    assertThat(node(tree, "y")).as("node 1 taken, nothing above: the top").isEqualTo(0xfff);

    // a2 leaves bucket 2a (freeing node 2) for 2b, whose nodes are now 1 and fff
    tree = apply(kernel, tree.changeMac("a2", mac(2, 0x2b)));
    assertThat(node(tree, "a2")).isEqualTo(0xffe);
    // into 2a again: 1, 3, ffe, fff are taken there; the gap above node 1 is node 2
    tree = apply(kernel, tree.changeMac("y", mac(7, 0x2a)));
    assertThat(node(tree, "y")).isEqualTo(2);
    // an unplug frees node 1 of 2a: the next plug there goes to the head again
    tree = apply(kernel, tree.unplug("a1"));
    tree = apply(kernel, tree.plug("z", mac(8, 0x2a), FLOOR));
    assertThat(node(tree, "z")).isEqualTo(1);

    Set<U32Handle> inTree = tree.interfaces().values().stream()
        .map(p -> p.filterHandle().orElseThrow()).collect(Collectors.toSet());
    assertThat(inTree).as("distinct").hasSize(tree.interfaces().size());
    assertThat(inTree).allSatisfy(h -> assertThat(h.node()).isBetween(1, 0xfff));
    assertThat(filterHandles(kernel.objects())).isEqualTo(inTree);
    assertThat(HtbTree.restore(config(), tree.interfaces().values(), tree.parkedClassIds()))
        .isEqualTo(tree);
  }

  private static HtbTree apply(InMemoryTrafficControl kernel, TreeChange change) {
    kernel.apply(change.plan());
    return change.tree();
  }

  private static Set<U32Handle> filterHandles(List<TcObject> objects) {
    return objects.stream().filter(o -> o instanceof U32MacFilter)
        .map(o -> ((U32MacFilter) o).handle()).collect(Collectors.toSet());
  }
}
