// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link HamtMap} behaves as a {@link HashMap} copied at every step, including keys whose hash codes
 * collide fully or share their low bits, and older versions never change.
 */
class HamtMapProperties {

  /** A key with a chosen hash code: few distinct codes force collisions and shared prefixes. */
  record Key(int id, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.id == id;
    }
  }

  record Step(boolean plus, int id, int value) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 5))
        .as((op, id, v) -> new Step(op != 0, id, v));
    return step.list().ofMaxSize(600);
  }

  @Provide
  Arbitrary<Integer> hashModes() {
    return Arbitraries.integers().between(0, 3);
  }

  private static Key key(int id, int mode) {
    int h = switch (mode) {
      case 0 -> id * 0x9E3779B9; // spread
      case 1 -> id % 7; // full collisions
      case 2 -> (id % 5) << 27 | (id % 3); // same low bits, differing high bits
      default -> (id & 1) == 0 ? id : id << 26; // mixed
    };
    return new Key(id, h);
  }

  @Property(tries = 300)
  void behavesAsACopiedHashMap(@ForAll("steps") List<Step> steps, @ForAll("hashModes") int mode) {
    HamtMap<Key, Integer> m = HamtMap.empty();
    Map<Key, Integer> ref = new HashMap<>();
    List<HamtMap<Key, Integer>> versions = new ArrayList<>();
    List<Map<Key, Integer>> refs = new ArrayList<>();
    for (Step s : steps) {
      Key k = key(s.id(), mode);
      if (s.plus()) {
        m = m.plus(k, s.value());
        ref.put(k, s.value());
      } else {
        m = m.minus(k);
        ref.remove(k);
      }
      assertThat(m.size()).isEqualTo(ref.size());
      assertThat(m.get(k)).isEqualTo(ref.get(k));
      assertThat(m.containsKey(k)).isEqualTo(ref.containsKey(k));
      if (versions.size() < 40) {
        versions.add(m);
        refs.add(new HashMap<>(ref));
      }
    }
    assertThat(m).isEqualTo(ref);
    assertThat(ref).isEqualTo(m);
    assertThat(m.hashCode()).isEqualTo(ref.hashCode());
    assertThat(new HashMap<>(m)).isEqualTo(ref);
    for (int id = 0; id <= 300; id++) {
      Key k = key(id, mode);
      assertThat(m.get(k)).isEqualTo(ref.get(k));
    }
    for (int i = 0; i < versions.size(); i++) {
      assertThat(versions.get(i)).isEqualTo(refs.get(i));
      assertThat(versions.get(i).size()).isEqualTo(refs.get(i).size());
    }
    HamtMap<Key, Integer> all = m.minusAll(new ArrayList<>(ref.keySet()));
    assertThat(all).isEmpty();
    assertThat(all.size()).isZero();
  }
}
