// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.ClassIdExhaustedException;
import io.netfloor.plan.TcObject;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32MacFilter;
import io.netfloor.spi.InMemoryTrafficControl;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Node ids in one bucket of the HASHED layout's table under churn: a new node goes below every
 * other (the kernel's sorted insert then stops at the head) wherever there is room, freed ids are
 * reused, and no number of plug/unplug cycles exhausts a bucket.
 */
class HashBucketChurnTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");

  private static NetworkConfig config() {
    return NetworkConfig.builder("net", "br0")
        .inbound(Limits.averageOnly(Rate.parse("100gbit"))).build(); // HASHED is the default
  }

  /** MACs that all end in 0x2a: one bucket. */
  private static MacAddress mac(int i) {
    return MacAddress.parse(String.format("52:54:00:%02x:%02x:2a", i >> 8, i & 0xff));
  }

  private static SortedSet<Integer> set(Integer... nodes) {
    return new TreeSet<>(List.of(nodes));
  }

  @Test
  void theRuleTakesTheHeadWhereThereIsRoomElseTheFirstGapAboveTheBottomRun() {
    assertThat(HtbTree.hashedNode(set())).isEqualTo(0xfff);
    assertThat(HtbTree.hashedNode(set(0xfff))).isEqualTo(0xffe);
    assertThat(HtbTree.hashedNode(set(5, 9, 0x700))).isEqualTo(4);
    assertThat(HtbTree.hashedNode(set(2))).isEqualTo(1);
    // node 1 taken: the top of the first gap, so the insert walks only the run at the bottom
    assertThat(HtbTree.hashedNode(set(1))).isEqualTo(0xfff);
    assertThat(HtbTree.hashedNode(set(1, 0xfff))).isEqualTo(0xffe);
    assertThat(HtbTree.hashedNode(set(1, 2, 3, 9, 0x500))).isEqualTo(8);
    assertThat(HtbTree.hashedNode(set(1, 500, 501, 0xfff))).isEqualTo(499);
    SortedSet<Integer> allButTop = IntStream.rangeClosed(1, 0xffe).boxed()
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(HtbTree.hashedNode(allButTop)).isEqualTo(0xfff);
    allButTop.remove(0x800);
    assertThat(HtbTree.hashedNode(allButTop)).isEqualTo(0x800);
    SortedSet<Integer> full = IntStream.rangeClosed(1, 0xfff).boxed()
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(HtbTree.hashedNode(full)).as("exhausted").isZero();
  }

  /**
   * Two interfaces sharing a bucket, unplugged and plugged again in turn, 10,000 times: every plan
   * applies to the simulated kernel (which refuses a node id used twice), every node id stays a
   * valid 12-bit id, every insert passes at most one other node of the bucket, and the ids wrap
   * round instead of running out. The old rule ran out of room below after about 4,000 cycles.
   */
  @Test
  void tenThousandCyclesInOneBucketNeverExhaustItAndEveryAddStopsNearTheHead() {
    InMemoryTrafficControl kernel = new InMemoryTrafficControl().addDevice(BR0);
    TreeChange started = HtbTree.start(config());
    kernel.apply(started.plan());
    HtbTree tree = started.tree();
    for (int i = 0; i < 2; i++) {
      TreeChange c = tree.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit")));
      kernel.apply(c.plan());
      tree = c.tree();
    }
    int wraps = 0;
    int headInserts = 0;
    Set<Integer> nodesSeen = new HashSet<>();
    for (int cycle = 0; cycle < 10_000; cycle++) {
      String alias = "vm" + (cycle % 2);
      TreeChange out = tree.unplug(alias);
      kernel.apply(out.plan());
      tree = out.tree();
      SortedSet<Integer> before = bucketNodes(tree);
      TreeChange in = tree.plug(alias, mac(cycle % 2), Bandwidth.floor(Rate.parse("1mbit")));
      kernel.apply(in.plan());
      tree = in.tree();
      int node = tree.interfaces().get(alias).filterHandle().orElseThrow().node();
      assertThat(node).isBetween(1, 0xfff);
      assertThat(before).doesNotContain(node);
      int walked = before.headSet(node).size(); // nodes the kernel's sorted insert passes
      assertThat(walked).as("cycle %d: node %x after %s", cycle, node, before).isLessThanOrEqualTo(1);
      if (walked == 0) {
        headInserts++;
      } else {
        wraps++;
      }
      nodesSeen.add(node);
    }
    assertThat(wraps).as("the ids came round (the path below node 1 ran)").isGreaterThanOrEqualTo(2);
    assertThat(headInserts).isGreaterThan(9_900);
    assertThat(nodesSeen).as("freed ids were reused").hasSize(0xfff);
    assertThat(filterHandles(kernel.objects())).isEqualTo(filterHandles(tree.kernelObjects()));
  }

  /**
   * For any set of nodes in use, the chosen node is free and costs the kernel's sorted insert the
   * fewest passes there are (none when any node below the lowest is free), and of those nodes it is
   * the highest, leaving the most room below it for the next adds at the head.
   */
  @Property(tries = 300)
  void theChosenNodeIsTheCheapestToInsertAndTheHighestOfThose(
      @ForAll @IntRange(min = 0, max = 300) int bottomRun,
      @ForAll @Size(max = 200) Set<@IntRange(min = 1, max = 0xfff) Integer> scattered) {
    TreeSet<Integer> used = new TreeSet<>(scattered);
    IntStream.rangeClosed(1, bottomRun).forEach(used::add);
    int node = HtbTree.hashedNode(used);
    assertThat(node).isBetween(1, 0xfff);
    assertThat(used).doesNotContain(node);
    int cheapest = Integer.MAX_VALUE;
    int highestCheapest = 0;
    for (int n = 1; n <= 0xfff; n++) {
      if (!used.contains(n)) {
        int walk = used.headSet(n).size();
        if (walk <= cheapest) {
          highestCheapest = walk < cheapest ? n : Math.max(highestCheapest, n);
          cheapest = walk;
        }
      }
    }
    assertThat(used.headSet(node).size()).isEqualTo(cheapest);
    assertThat(node).isEqualTo(highestCheapest);
  }

  /**
   * A bucket holding 4,095 interfaces at once has no node id left: the next plug there is refused
   * with a typed exception that says what to do, and nothing changes; once one goes, its id is
   * taken again.
   */
  @Test
  void aFullBucketIsRefusedTypedAndItsFreedIdIsReused() {
    HtbTree tree = HtbTree.start(config()).tree();
    for (int i = 0; i < 0xfff; i++) {
      tree = tree.plug("vm" + i, mac(i), Bandwidth.floor(Rate.parse("1mbit"))).tree();
    }
    assertThat(bucketNodes(tree)).hasSize(0xfff);
    HtbTree full = tree;
    assertThatThrownBy(() -> full.plug("one-more", mac(0xfff), Bandwidth.floor(Rate.parse(
        "1mbit"))))
        .isExactlyInstanceOf(ClassIdExhaustedException.class)
        .hasMessage("hash bucket 2a of the filter table already holds 4095 interfaces, one per u32"
            + " node id; unplug one whose MAC ends in 2a, or give the new interface a MAC with"
            + " another last byte");
    assertThat(full.interfaces()).hasSize(0xfff);
    // interfaces without a floor need no node: still accepted
    assertThat(full.plug("nofloor", mac(0xfff), Bandwidth.NONE).tree().interfaces())
        .containsKey("nofloor");
    int freed = full.interfaces().get("vm1234").filterHandle().orElseThrow().node();
    HtbTree again = full.unplug("vm1234").tree()
        .plug("one-more", mac(0xfff), Bandwidth.floor(Rate.parse("1mbit"))).tree();
    assertThat(again.interfaces().get("one-more").filterHandle().orElseThrow().node())
        .isEqualTo(freed);
  }

  private static SortedSet<Integer> bucketNodes(HtbTree tree) {
    return tree.interfaces().values().stream()
        .filter(p -> p.filterHandle().isPresent() && p.mac().octet(5) == 0x2a)
        .map(p -> p.filterHandle().get().node())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<U32Handle> filterHandles(List<TcObject> objects) {
    return objects.stream().filter(o -> o instanceof U32MacFilter)
        .map(o -> ((U32MacFilter) o).handle()).collect(Collectors.toSet());
  }
}
