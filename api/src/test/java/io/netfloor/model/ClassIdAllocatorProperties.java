// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.ClassIdExhaustedException;
import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@link ClassIdAllocator} against a plain bitmap model (libvirt's). */
class ClassIdAllocatorProperties {

  /** Positive: allocate the lowest free id; negative −k: release the k-th used id (if any). */
  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.oneOf(Arbitraries.just(1), Arbitraries.integers().between(-40, -1))
        .list().ofMaxSize(120);
  }

  private static ClassIdAllocator run(FilterLayout layout, List<Integer> steps, BitSet model) {
    ClassIdAllocator a = ClassIdAllocator.forLayout(layout);
    for (int step : steps) {
      if (step > 0) {
        int id = a.lowestFree();
        a = a.withUsed(id);
        model.set(id);
      } else if (!model.isEmpty()) {
        int k = (-step) % model.cardinality();
        int id = model.nextSetBit(0);
        for (int i = 0; i < k; i++) {
          id = model.nextSetBit(id + 1);
        }
        a = a.withReleased(id);
        model.clear(id);
      }
    }
    return a;
  }

  @Property
  void allocationIsLibvirtsFirstClearBit(@ForAll FilterLayout layout,
      @ForAll("steps") List<Integer> steps) {
    BitSet model = new BitSet();
    ClassIdAllocator a = ClassIdAllocator.forLayout(layout);
    for (int step : steps) {
      if (step > 0) {
        int expected = 3;
        while (model.get(expected) || a.isReserved(expected)) {
          expected++;
        }
        int id = a.lowestFree();
        assertThat(id).isEqualTo(expected);
        a = a.withUsed(id);
        model.set(id);
      } else if (!model.isEmpty()) {
        int id = model.nextSetBit(0);
        for (int i = 0; i < (-step) % model.cardinality(); i++) {
          id = model.nextSetBit(id + 1);
        }
        a = a.withReleased(id);
        model.clear(id);
      }
      for (int i = 0; i < 300; i++) {
        assertThat(a.isUsed(i)).as("id %d", i).isEqualTo(model.get(i) || a.isReserved(i));
      }
      assertThat(a.usedCount()).isEqualTo(model.cardinality());
    }
  }

  @Property
  void persistedFormRoundTrips(@ForAll FilterLayout layout, @ForAll("steps") List<Integer> steps) {
    ClassIdAllocator a = run(layout, steps, new BitSet());
    ClassIdAllocator back = ClassIdAllocator.fromRanges(a.toRanges(), layout);
    assertThat(back).isEqualTo(a);
    assertThat(back.toRanges()).isEqualTo(a.toRanges());
    assertThat(back.lowestFree()).isEqualTo(a.lowestFree());
  }

  @Property
  void theSameUsedSetGivesTheSameAllocatorWhateverTheHistory(@ForAll FilterLayout layout,
      @ForAll("steps") List<Integer> steps) {
    BitSet model = new BitSet();
    ClassIdAllocator a = run(layout, steps, model);
    ClassIdAllocator direct = ClassIdAllocator.forLayout(layout);
    for (int id = model.nextSetBit(0); id >= 0; id = model.nextSetBit(id + 1)) {
      direct = direct.withUsed(id);
    }
    assertThat(a).isEqualTo(direct);
  }

  @Property(tries = 3)
  void exhaustionIsATypedErrorAndNeverHandsOutAReservedId(@ForAll FilterLayout layout) {
    ClassIdAllocator a = ClassIdAllocator.forLayout(layout);
    BitSet handed = new BitSet();
    for (int i = 0; i < a.capacity(); i++) {
      int id = a.lowestFree();
      assertThat(a.isReserved(id)).isFalse();
      assertThat(handed.get(id)).isFalse();
      handed.set(id);
      a = a.withUsed(id);
    }
    ClassIdAllocator full = a;
    assertThatThrownBy(full::lowestFree).isInstanceOf(ClassIdExhaustedException.class)
        .hasMessageContaining("unplug");
    assertThat(handed.get(0xffff)).isFalse();
    assertThat(handed.get(0x800)).isEqualTo(layout == FilterLayout.HASHED);
  }
}
