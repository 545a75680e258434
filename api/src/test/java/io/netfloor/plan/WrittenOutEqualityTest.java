// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.KernelPlacement;
import io.netfloor.model.NetworkName;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The records whose {@code equals} and {@code hashCode} are written out (so that a short-lived JVM
 * does not link the generated ones) behave exactly as the generated ones would: equal exactly when
 * every component is equal, and the hash the record would compute. Copies that differ in one
 * component each are built from the record's components, so a component added later but left out
 * of {@code equals} or {@code hashCode} fails here.
 */
class WrittenOutEqualityTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final InterfaceName BR1 = InterfaceName.of("br1");

  @Test
  void unitsCompareByEveryComponent() throws Exception {
    check(List.of(Rate.parse("1mbit"), Rate.parse("2mbit"), Rate.ofBitsPerSecond(1_000_000)));
    check(List.of(ByteSize.parse("1kb"), ByteSize.parse("2kb"), ByteSize.ofBytes(1000)));
    check(List.of(ClassHandle.of(1, 2), ClassHandle.of(1, 3), ClassHandle.of(2, 2),
        ClassHandle.parse("1:2")));
    check(List.of(BR0, BR1, InterfaceName.of("br0")));
    check(List.of(InterfaceAlias.of("vm1"), InterfaceAlias.of("vm2"), InterfaceAlias.of("vm1")));
    check(List.of(NetworkName.of("a"), NetworkName.of("b"), NetworkName.of("a")));
  }

  @Test
  void placementsKeysAndClassesCompareByEveryComponent() throws Exception {
    check(List.of(new KernelPlacement(true, 2, 0x800), new KernelPlacement(false, 2, 0x800),
        new KernelPlacement(true, 3, 0x800), new KernelPlacement(true, 2, 0x801),
        KernelPlacement.DEFAULT));
    check(List.of(new ObjectKey(ObjectKey.Kind.CLASS, BR0, 1, 2, 3),
        new ObjectKey(ObjectKey.Kind.FILTER, BR1, 4, 5, 6),
        new ObjectKey(ObjectKey.Kind.CLASS, BR0, 1, 2, 3)));
    Rate r1 = Rate.parse("1mbit");
    Rate r2 = Rate.parse("2mbit");
    check(List.of(
        new HtbClass(BR0, ClassHandle.of(1, 3), ClassHandle.of(1, 1), r1, r2, Optional.empty(),
            Optional.empty(), 1500, 0),
        new HtbClass(BR1, ClassHandle.of(1, 4), ClassHandle.of(1, 2), r2, Rate.parse("3mbit"),
            Optional.of(ByteSize.parse("10kb")), Optional.of(ByteSize.parse("20kb")), 3000, 1),
        new HtbClass(BR0, ClassHandle.of(1, 3), ClassHandle.of(1, 1), r1, r2, Optional.empty(),
            Optional.empty(), 1500, 0)));
  }

  /** Every pair, and every copy of one sample with one component taken from another. */
  private static void check(List<? extends Record> samples) throws Exception {
    List<Record> all = new ArrayList<>(samples);
    for (Record a : samples) {
      for (Record b : samples) {
        for (int i = 0; i < components(a).length; i++) {
          Record mixed = withComponent(a, i, b);
          if (mixed != null) {
            all.add(mixed);
          }
        }
      }
    }
    for (Record a : all) {
      assertThat(a.hashCode()).as("hash of %s", a).isEqualTo(generatedHash(a));
      for (Record b : all) {
        assertThat(a.equals(b)).as("%s equals %s", a, b).isEqualTo(componentsEqual(a, b));
      }
      assertThat(a.equals(null)).isFalse();
      assertThat(a.equals(new Object())).isFalse();
    }
  }

  private static RecordComponent[] components(Record r) {
    return r.getClass().getRecordComponents();
  }

  private static Object value(Record r, RecordComponent c) throws ReflectiveOperationException {
    return c.getAccessor().invoke(r);
  }

  /** {@code a} with component {@code i} of {@code b}; null if the constructor refuses it. */
  private static Record withComponent(Record a, int i, Record b) throws Exception {
    RecordComponent[] cs = components(a);
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    for (int k = 0; k < cs.length; k++) {
      args[k] = value(k == i ? b : a, cs[k]);
      types[k] = cs[k].getType();
    }
    Constructor<?> canonical = a.getClass().getDeclaredConstructor(types);
    try {
      return (Record) canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      return null; // e.g. a class id whose major no longer matches its parent's
    }
  }

  private static boolean componentsEqual(Record a, Record b) throws Exception {
    if (a.getClass() != b.getClass()) {
      return false;
    }
    for (RecordComponent c : components(a)) {
      if (!Objects.equals(value(a, c), value(b, c))) {
        return false;
      }
    }
    return true;
  }

  /** What {@code java.lang.runtime.ObjectMethods} computes: 31 × the hash so far + each one's. */
  private static int generatedHash(Record r) throws Exception {
    int h = 0;
    for (RecordComponent c : components(r)) {
      h = 31 * h + Objects.hashCode(value(r, c));
    }
    return h;
  }
}
