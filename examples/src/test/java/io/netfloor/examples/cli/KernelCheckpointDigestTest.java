// SPDX-License-Identifier: Apache-2.0
package io.netfloor.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Key;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint's checksum of a bridge's dump covers every parameter of every qdisc, class and
 * filter, and leaves out only the counters: a copy of an object with any one other component
 * changed dumps to another checksum. Components are read from the records themselves, so one
 * added later and left out of the checksum fails here.
 */
class KernelCheckpointDigestTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final Set<String> COUNTERS = Set.of("bytes", "packets", "drops", "stats");

  private static final QdiscInfo Q1 = new QdiscInfo(BR, ClassHandle.qdisc(1), ClassHandle.ROOT,
      "htb", OptionalInt.of(2), OptionalInt.of(10), OptionalInt.empty(), 1, 2, 3);
  private static final QdiscInfo Q2 = new QdiscInfo(InterfaceName.of("br1"), ClassHandle.qdisc(2),
      ClassHandle.of(1, 3), "pfifo", OptionalInt.of(3), OptionalInt.of(11), OptionalInt.of(1000),
      4, 5, 6);
  private static final ClassInfo C1 = new ClassInfo(BR, ClassHandle.of(1, 3),
      ClassHandle.of(1, 1), Rate.parse("1mbit"), Rate.parse("2mbit"), 100, 200, 1500, 0, 0,
      Optional.empty(), ClassStats.ZERO);
  private static final ClassInfo C2 = new ClassInfo(InterfaceName.of("br1"), ClassHandle.of(1, 4),
      ClassHandle.of(1, 2), Rate.parse("3mbit"), Rate.parse("4mbit"), 101, 201, 1501, 1, 1,
      Optional.of(ClassHandle.qdisc(0x10)), new ClassStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
  private static final FilterInfo F1 = new FilterInfo(BR, ClassHandle.qdisc(1), 2, 3, "u32",
      U32Handle.of(0x800, 0, 0x800), Optional.of(ClassHandle.of(1, 3)), OptionalInt.empty(),
      OptionalInt.empty(), 1, 0, 0, List.of(new U32Key(0xffff, 0x1234, -4, 0)), List.of(), 0);
  private static final FilterInfo F2 = new FilterInfo(InterfaceName.of("br1"),
      ClassHandle.qdisc(2), 3, 4, "u32x", U32Handle.of(0x801, 1, 0x801), Optional.empty(),
      OptionalInt.of(0x802), OptionalInt.of(256), 2, 4, 0xff,
      List.of(new U32Key(0xffffffff, 0x5678, -12, 0)), List.of("gact"), 1);

  @Test
  void everyParameterButTheCountersChangesTheChecksum() throws Exception {
    String base = digest(Q1, C1, F1);
    assertThat(digest(Q1, C1, F1)).isEqualTo(base);
    for (int i = 0; i < Q1.getClass().getRecordComponents().length; i++) {
      check(base, Q1, i, Q2, (Record q) -> digest((QdiscInfo) q, C1, F1));
    }
    for (int i = 0; i < C1.getClass().getRecordComponents().length; i++) {
      check(base, C1, i, C2, (Record c) -> digest(Q1, (ClassInfo) c, F1));
    }
    for (int i = 0; i < F1.getClass().getRecordComponents().length; i++) {
      check(base, F1, i, F2, (Record f) -> digest(Q1, C1, (FilterInfo) f));
    }
  }

  private interface Digest {
    String of(Record changed);
  }

  private static void check(String base, Record a, int i, Record b, Digest digest)
      throws Exception {
    RecordComponent[] cs = a.getClass().getRecordComponents();
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    for (int k = 0; k < cs.length; k++) {
      args[k] = cs[k].getAccessor().invoke(k == i ? b : a);
      types[k] = cs[k].getType();
    }
    Record changed = (Record) a.getClass().getDeclaredConstructor(types).newInstance(args);
    String name = cs[i].getName();
    if (COUNTERS.contains(name)) {
      assertThat(digest.of(changed)).as("a change of the counter %s", name).isEqualTo(base);
    } else {
      assertThat(digest.of(changed)).as("a change of %s", name).isNotEqualTo(base);
    }
  }

  private static String digest(QdiscInfo q, ClassInfo c, FilterInfo f) {
    return KernelCheckpoint.digest(new KernelSnapshot(BR, List.of(q), List.of(c), List.of(f)));
  }
}
