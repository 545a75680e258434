// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.plan.U32Handle;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link HtbTree#linearHandle}, the u32 node of each class id in the
 * {@link FilterLayout#LIBVIRT_LINEAR} layout, against libvirt's rule computed here from its text
 * form: {@code 800::} followed by the decimal digits of {@code 800 + id}, which tc parses as hex.
 */
class LinearHandleProperties {
  private static final ClassIdAllocator IDS = ClassIdAllocator.forLayout(FilterLayout.LIBVIRT_LINEAR);

  private static final int MAX_TESTED_ID = 0x1001;
  /** Every allocatable id by its node, built from the production map once. */
  private static final Map<Integer, Integer> ID_BY_NODE = new HashMap<>();
  /** libvirt's node of each id, from its text form (computed once: the property reads it often). */
  private static final int[] LIBVIRT_NODE = new int[MAX_TESTED_ID + 1];

  static {
    for (int id = 0; id <= 0xffff; id++) {
      if (!IDS.isReserved(id)) {
        ID_BY_NODE.merge(HtbTree.linearHandle(id).node(), id, (a, b) -> -1); // -1: shared
      }
    }
    for (int id = 0; id <= MAX_TESTED_ID; id++) {
      LIBVIRT_NODE[id] = Integer.parseInt(String.format("%d", 800 + id), 16);
    }
  }

  /** libvirt's node of {@code id} as tc reads it; from id 200 on above 0xfff, which tc refuses. */
  private static int libvirtNode(int id) {
    return LIBVIRT_NODE[id];
  }

  @Example
  void libvirtsExactHandles() {
    for (int id : new int[] {3, 9, 10, 16, 99, 150, 199}) {
      String libvirt = "800::" + (800 + id);
      assertThat(HtbTree.linearHandle(id).toString()).as("id %d", id).isEqualTo(libvirt);
      assertThat(HtbTree.linearHandle(id)).isEqualTo(U32Handle.of(0x800, 0, libvirtNode(id)));
    }
    assertThat(HtbTree.linearHandle(10).node()).isEqualTo(0x810);
    assertThat(HtbTree.linearHandle(16).node()).isEqualTo(0x816);
    assertThat(HtbTree.linearHandle(150).node()).isEqualTo(0x950);
    assertThat(libvirtNode(200)).isEqualTo(0x1000); // libvirt's first invalid handle
  }

  /** Exhaustive: every id the allocator can hand out, and those around them it cannot. */
  @Property(generation = GenerationMode.EXHAUSTIVE, tries = MAX_TESTED_ID + 1)
  void everyAllocatableIdHasItsOwnValidNodeThatIsNoOtherIdsLibvirtNode(
      @ForAll @IntRange(min = 0, max = MAX_TESTED_ID) int id) {
    if (IDS.isReserved(id)) {
      assertThatThrownBy(() -> HtbTree.linearHandle(id))
          .isInstanceOf(InvalidValueException.class)
          .hasMessageContaining("class id " + id)
          .hasMessageContaining("LIBVIRT_LINEAR");
      return;
    }
    U32Handle h = HtbTree.linearHandle(id);
    assertThat(h.htid()).isEqualTo(HtbTree.ROOT_TABLE_ID);
    assertThat(h.bucket()).isZero();
    int node = h.node();
    assertThat(node).isBetween(1, 0xfff).isNotEqualTo(0x800);
    assertThat(ID_BY_NODE.get(node)).as("ids sharing node %x", node).isEqualTo(id);
    if (libvirtNode(id) <= 0xfff) {
      assertThat(node).isEqualTo(libvirtNode(id));
    }
    for (int other = ClassIdAllocator.FIRST_ASSIGNABLE; libvirtNode(other) <= 0xfff; other++) {
      if (other != id && node == libvirtNode(other)) {
        throw new AssertionError("node " + Integer.toHexString(node) + " of id " + id
            + " is libvirt's node of id " + other);
      }
    }
  }

  @Example
  void everyIdHasANodeAndIdsUpTo2050SortAfterNode800() {
    assertThat(ID_BY_NODE).hasSize(IDS.capacity()).doesNotContainValue(-1);
    assertThat(IDS.capacity()).isEqualTo(4092);
    // ids up to 2050 sort after node 0x800 in the kernel's node-sorted list, as libvirt's own do
    for (int id = ClassIdAllocator.FIRST_ASSIGNABLE; id <= 0xfff; id++) {
      if (!IDS.isReserved(id)) {
        assertThat(HtbTree.linearHandle(id).node() > 0x800).as("id %d", id).isEqualTo(id <= 2050);
      }
    }
  }
}
