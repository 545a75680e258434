// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link IdSet} behaves as a {@link TreeSet} copied at every step; older versions never change. */
class IdSetProperties {

  record Step(boolean plus, int id) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    // block and word edges, plus dense and sparse ids
    Arbitrary<Integer> edge = Arbitraries.of(0, 1, 2, 62, 63, 64, 65, 127, 128, 4095, 4096, 4097,
        8191, 0x8000, 0xfffe, 0xffff);
    Arbitrary<Integer> dense = Arbitraries.integers().between(0, 300);
    Arbitrary<Integer> sparse = Arbitraries.integers().between(0, IdSet.MAX_ID);
    Arbitrary<Integer> id = Arbitraries.oneOf(edge, dense, sparse);
    return Combinators.combine(Arbitraries.integers().between(0, 2), id)
        .as((op, i) -> new Step(op != 0, i)).list().ofMaxSize(400);
  }

  @Property(tries = 400)
  void behavesAsACopiedTreeSet(@ForAll("steps") List<Step> steps) {
    IdSet s = IdSet.empty();
    TreeSet<Integer> ref = new TreeSet<>();
    List<IdSet> versions = new ArrayList<>();
    List<TreeSet<Integer>> refs = new ArrayList<>();
    for (Step st : steps) {
      IdSet before = s;
      if (st.plus()) {
        s = s.plus(st.id());
        assertThat(s == before).isEqualTo(ref.contains(st.id()));
        ref.add(st.id());
      } else {
        s = s.minus(st.id());
        assertThat(s == before).isEqualTo(!ref.contains(st.id()));
        ref.remove(st.id());
      }
      assertThat(s.size()).isEqualTo(ref.size());
      assertThat(s.contains(st.id())).isEqualTo(ref.contains(st.id()));
      if (!ref.isEmpty()) {
        assertThat(s.first()).isEqualTo(ref.first());
        assertThat(s.last()).isEqualTo(ref.last());
      }
      if (versions.size() < 30) {
        versions.add(s);
        refs.add(new TreeSet<>(ref));
      }
    }
    assertThat(new ArrayList<>(s)).isEqualTo(new ArrayList<>(ref));
    assertThat(s).isEqualTo(ref);
    assertThat(ref).isEqualTo(s);
    assertThat(s.hashCode()).isEqualTo(ref.hashCode());
    for (int i = 0; i < versions.size(); i++) {
      assertThat(new ArrayList<>(versions.get(i))).isEqualTo(new ArrayList<>(refs.get(i)));
    }
    for (int cut : new int[] {0, 63, 64, 4096, 0x8000, 0xffff}) {
      assertThat(s.headSet(cut)).isEqualTo(ref.headSet(cut));
      assertThat(s.tailSet(cut)).isEqualTo(ref.tailSet(cut));
      assertThat(s.subSet(cut / 2, cut)).isEqualTo(ref.subSet(cut / 2, cut));
    }
    assertThat(s.contains(-1)).isFalse();
    assertThat(s.contains(IdSet.MAX_ID + 1)).isFalse();
    assertThat(s.contains("x")).isFalse();
  }

  @Test
  void emptyAndOutOfRange() {
    assertThat(IdSet.empty()).isEmpty();
    assertThat(IdSet.empty().iterator().hasNext()).isFalse();
    assertThatThrownBy(() -> IdSet.empty().first()).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> IdSet.empty().last()).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> IdSet.empty().plus(IdSet.MAX_ID + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdSet.empty().plus(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(IdSet.empty().plus(5).minus(5)).isSameAs(IdSet.empty());
    assertThat(IdSet.empty().plus(IdSet.MAX_ID).first()).isEqualTo(IdSet.MAX_ID);
  }
}
