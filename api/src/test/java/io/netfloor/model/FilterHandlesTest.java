// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.ClassIdExhaustedException;
import io.netfloor.InvalidValueException;
import io.netfloor.plan.U32Handle;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pcollections.PMap;
import org.pcollections.TreePSet;

/**
 * Filter-handle choice on its own: the linear layout's fixed map, and the hashed layout's buckets
 * through a plug's whole cycle (choose, use, release), including the fallback above the run that
 * starts at node 1 and a full bucket.
 */
class FilterHandlesTest {
  private static final MacAddress MAC = MacAddress.parse("52:54:00:00:00:2a");
  private static final int BUCKET = 0x2a;

  private static PMap<Integer, TreePSet<Integer>> bucketHolding(int... nodes) {
    TreePSet<Integer> set = TreePSet.empty();
    for (int n : nodes) {
      set = set.plus(n);
    }
    return HamtMap.<Integer, TreePSet<Integer>>empty().plus(BUCKET, set);
  }

  private static PluggedInterface recorded(int classMinor, U32Handle handle) {
    return new PluggedInterface("a", MAC, Bandwidth.floor(Rate.ofMegabits(1)), classMinor,
        Optional.of(handle));
  }

  @Test
  void theLinearLayoutMapsTheClassIdAndLeavesTheBucketsAlone() {
    PMap<Integer, TreePSet<Integer>> buckets = bucketHolding(5);
    U32Handle h = FilterHandles.choose(FilterLayout.LIBVIRT_LINEAR, buckets, 10, MAC);
    assertThat(h).isEqualTo(U32Handle.of(0x800, 0, 0x810)); // libvirt's 800::810 for class 1:10
    assertThat(FilterHandles.use(FilterLayout.LIBVIRT_LINEAR, buckets, h)).isSameAs(buckets);
    assertThat(FilterHandles.release(FilterLayout.LIBVIRT_LINEAR, buckets, h)).isSameAs(buckets);
  }

  @Test
  void aHashedHandleIsInTheBucketOfTheMacsLastByteAtItsHeadWhileThereIsRoomBelow() {
    PMap<Integer, TreePSet<Integer>> buckets = HamtMap.empty();
    U32Handle first = FilterHandles.choose(FilterLayout.HASHED, buckets, 3, MAC);
    assertThat(first).isEqualTo(U32Handle.of(HtbTree.HASH_TABLE_ID, BUCKET, 0xfff));
    buckets = FilterHandles.use(FilterLayout.HASHED, buckets, first);
    U32Handle second = FilterHandles.choose(FilterLayout.HASHED, buckets, 4, MAC);
    assertThat(second.node()).isEqualTo(0xffe);
  }

  @Test
  void theFallbackStartsExactlyWhenNodeOneIsTaken() {
    // lowest used node 2: node 1 is still below it, at the head
    assertThat(FilterHandles.choose(FilterLayout.HASHED, bucketHolding(2, 7), 3, MAC).node())
        .isEqualTo(1);
    // lowest used node 1: nothing below; the first gap above the run 1..3 is taken at its top
    assertThat(FilterHandles.choose(FilterLayout.HASHED, bucketHolding(1, 2, 3, 7), 3, MAC).node())
        .isEqualTo(6);
    // the run 1 alone with nothing above it: the bucket's top node
    assertThat(FilterHandles.choose(FilterLayout.HASHED, bucketHolding(1), 3, MAC).node())
        .isEqualTo(FilterHandles.MAX_HASH_NODE);
    // the run reaches the top node: the gap above the run is the one below 0xfff
    assertThat(FilterHandles.choose(FilterLayout.HASHED, bucketHolding(1, 0xfff), 3, MAC).node())
        .isEqualTo(0xffe);
  }

  @Test
  void aFullBucketIsRefusedTyped() {
    int[] all = new int[FilterHandles.MAX_HASH_NODE];
    for (int i = 0; i < all.length; i++) {
      all[i] = i + 1;
    }
    PMap<Integer, TreePSet<Integer>> full = bucketHolding(all);
    assertThatThrownBy(() -> FilterHandles.choose(FilterLayout.HASHED, full, 3, MAC))
        .isInstanceOf(ClassIdExhaustedException.class).hasMessageContaining("bucket 2a");
  }

  @Test
  void releasingABucketsLastNodeRemovesTheBucket() {
    PMap<Integer, TreePSet<Integer>> two = bucketHolding(5, 9);
    PMap<Integer, TreePSet<Integer>> one = FilterHandles.release(FilterLayout.HASHED, two,
        U32Handle.of(HtbTree.HASH_TABLE_ID, BUCKET, 5));
    assertThat(one.get(BUCKET)).containsExactly(9);
    assertThat(FilterHandles.release(FilterLayout.HASHED, one,
        U32Handle.of(HtbTree.HASH_TABLE_ID, BUCKET, 9))).isEmpty();
  }

  @Test
  void recordedHandlesMustFitTheLayoutAndBeUnique() {
    assertThat(FilterHandles.useRecorded(FilterLayout.LIBVIRT_LINEAR, HamtMap.empty(),
        recorded(10, HtbTree.linearHandle(10)))).isEmpty();
    assertThatThrownBy(() -> FilterHandles.useRecorded(FilterLayout.LIBVIRT_LINEAR,
        HamtMap.empty(), recorded(10, HtbTree.linearHandle(11))))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("LIBVIRT_LINEAR");
    U32Handle h = U32Handle.of(HtbTree.HASH_TABLE_ID, BUCKET, 0x123);
    PMap<Integer, TreePSet<Integer>> used =
        FilterHandles.useRecorded(FilterLayout.HASHED, HamtMap.empty(), recorded(3, h));
    assertThat(used.get(BUCKET)).containsExactly(0x123);
    assertThatThrownBy(() -> FilterHandles.useRecorded(FilterLayout.HASHED, used, recorded(4, h)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("used twice");
    assertThatThrownBy(() -> FilterHandles.useRecorded(FilterLayout.HASHED, HamtMap.empty(),
        recorded(3, U32Handle.of(HtbTree.HASH_TABLE_ID, BUCKET + 1, 0x123))))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("not in bucket 2a");
  }
}
