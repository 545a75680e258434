// SPDX-License-Identifier: Apache-2.0
package io.netfloor.shaping.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.plan.EtherType;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Key;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.shaping.internal.QdiscClaim.State;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Whose a qdisc is, decided from a dump alone. */
class QdiscClaimTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final ClassHandle ONE = ClassHandle.qdisc(1);
  private static final ClassHandle INGRESS = ClassHandle.qdisc(0xffff);

  private static QdiscInfo qdisc(String kind, ClassHandle handle, ClassHandle parent,
      int defaultMinor) {
    return new QdiscInfo(BR, handle, parent, kind,
        defaultMinor < 0 ? OptionalInt.empty() : OptionalInt.of(defaultMinor), OptionalInt.empty(),
        OptionalInt.empty(), 0, 0, 0);
  }

  private static QdiscInfo htbRoot(int defaultMinor) {
    return qdisc("htb", ONE, ClassHandle.ROOT, defaultMinor);
  }

  private static ClassInfo htbClass(int minor) {
    return new ClassInfo(BR, ClassHandle.of(1, minor), ONE, Rate.parse("1mbit"),
        Rate.parse("1mbit"), 0, 0, 1600, 0, 0, Optional.empty(), ClassStats.ZERO);
  }

  private static FilterInfo node(ClassHandle parent, int prio, U32Handle handle,
      List<U32Key> keys, int chain) {
    return new FilterInfo(BR, parent, prio, EtherType.ALL, "u32", handle, Optional.empty(),
        OptionalInt.empty(), OptionalInt.empty(), 0, 0, 0, keys, List.of(), chain);
  }

  private static FilterInfo rootTable(ClassHandle parent, int prio) {
    return new FilterInfo(BR, parent, prio, EtherType.ALL, "u32", U32Handle.table(0x800),
        Optional.empty(), OptionalInt.empty(), OptionalInt.of(1), 0, 0, 0, List.of(), List.of());
  }

  private static FilterInfo markOf(ClassHandle parent, String network, boolean owns, int chain) {
    return node(parent, 3, U32OwnerMark.HANDLE,
        new U32OwnerMark(BR, parent, 3, EtherType.ALL, owns, network).keys(), chain);
  }

  private static KernelSnapshot snap(List<QdiscInfo> q, List<ClassInfo> c, List<FilterInfo> f) {
    return new KernelSnapshot(BR, q, c, f);
  }

  @Test
  void noRootOrTheKernelsDefaultIsAbsent() {
    assertThat(QdiscClaim.root(snap(List.of(), List.of(), List.of()), "n").state())
        .isEqualTo(State.ABSENT);
    QdiscInfo noqueue = qdisc("noqueue", ClassHandle.fromBits(0), ClassHandle.ROOT, -1);
    QdiscClaim c = QdiscClaim.root(snap(List.of(noqueue), List.of(), List.of()), "n");
    assertThat(c.state()).isEqualTo(State.ABSENT);
    assertThat(c.describeQdisc()).isEqualTo("none");
    assertThat(QdiscClaim.ingress(snap(List.of(noqueue), List.of(), List.of()), "n").state())
        .isEqualTo(State.ABSENT);
  }

  @Test
  void aMarkNamesItsNetworkAndSaysWhoMadeTheQdisc() {
    KernelSnapshot s = snap(List.of(htbRoot(2)), List.of(htbClass(1), htbClass(2)),
        List.of(rootTable(ONE, 3), markOf(ONE, "n1", false, 0)));
    QdiscClaim mine = QdiscClaim.root(s, "n1");
    assertThat(mine.state()).isEqualTo(State.OURS);
    assertThat(mine.owner()).contains("n1");
    assertThat(mine.markPrio()).isEqualTo(3);
    assertThat(mine.ownsQdisc()).isFalse();
    assertThat(mine.classes()).isEqualTo(2);
    assertThat(mine.filters()).as("the root table is the kernel's, not a filter").isEqualTo(1);
    QdiscClaim theirs = QdiscClaim.root(s, "n2");
    assertThat(theirs.state()).isEqualTo(State.OTHER_NETWORK);
    assertThat(theirs.owner()).contains("n1");
    assertThat(QdiscClaim.root(snap(List.of(htbRoot(2)), List.of(),
        List.of(markOf(ONE, "n1", true, 0))), "n1").ownsQdisc()).isTrue();
  }

  @Test
  void aMarkOutsideChainZeroOrUnderAnotherQdiscDoesNotCount() {
    assertThat(QdiscClaim.root(snap(List.of(htbRoot(2)), List.of(htbClass(1)),
        List.of(markOf(ONE, "n1", true, 7))), "n1").state()).isEqualTo(State.FOREIGN);
    assertThat(QdiscClaim.root(snap(List.of(htbRoot(2)), List.of(htbClass(1)),
        List.of(markOf(INGRESS, "n1", true, 0))), "n1").state()).isEqualTo(State.FOREIGN);
    List<U32Key> notAMark = List.of(new U32Key(0xffffffff, 1, 0, 0));
    assertThat(QdiscClaim.root(snap(List.of(htbRoot(2)), List.of(htbClass(1)),
        List.of(node(ONE, 2, U32OwnerMark.HANDLE, notAMark, 0))), "n1").state())
        .isEqualTo(State.FOREIGN);
  }

  @Test
  void libvirtsBareRootIsBareAnythingMoreIsForeign() {
    FilterInfo dhcp = node(ONE, 2, U32Handle.of(0x800, 0, 0x800),
        List.of(new U32Key(0x0000ffff, 68, 20, 0)), 0);
    QdiscClaim bare = QdiscClaim.root(snap(List.of(htbRoot(2)), List.of(),
        List.of(rootTable(ONE, 2), dhcp)), "n");
    assertThat(bare.state()).isEqualTo(State.BARE);
    assertThat(bare.filters()).isEqualTo(1);
    assertThat(bare.describeQdisc()).isEqualTo("htb 1: (default 2)");
    assertThat(QdiscClaim.root(snap(List.of(htbRoot(2)), List.of(htbClass(1)), List.of()), "n")
        .state()).as("with a class").isEqualTo(State.FOREIGN);
    assertThat(QdiscClaim.root(snap(List.of(htbRoot(5)), List.of(), List.of()), "n").state())
        .as("another default class").isEqualTo(State.FOREIGN);
    assertThat(QdiscClaim.root(snap(List.of(qdisc("htb", ClassHandle.qdisc(2), ClassHandle.ROOT,
        2)), List.of(), List.of()), "n").state()).as("another handle").isEqualTo(State.FOREIGN);
    assertThat(QdiscClaim.root(snap(List.of(qdisc("tbf", ONE, ClassHandle.ROOT, -1)), List.of(),
        List.of()), "n").state()).as("another kind").isEqualTo(State.FOREIGN);
  }

  @Test
  void ingressAndClsact() {
    QdiscInfo ingress = qdisc("ingress", INGRESS, ClassHandle.INGRESS, -1);
    List<FilterInfo> filters = new ArrayList<>(List.of(node(INGRESS, 1, U32Handle.of(0x800, 0,
        0x800), List.of(new U32Key(0, 0, 0, 0)), 0)));
    QdiscClaim foreign = QdiscClaim.ingress(snap(List.of(ingress), List.of(), filters), "n");
    assertThat(foreign.state()).isEqualTo(State.FOREIGN);
    assertThat(foreign.filters()).isEqualTo(1);
    filters.add(markOf(INGRESS, "n", true, 0));
    assertThat(QdiscClaim.ingress(snap(List.of(ingress), List.of(), filters), "n").state())
        .isEqualTo(State.OURS);
    QdiscInfo clsact = qdisc("clsact", INGRESS, ClassHandle.INGRESS, -1);
    assertThat(QdiscClaim.ingress(snap(List.of(clsact), List.of(), filters), "n").state())
        .as("NetFloor never marks a clsact").isEqualTo(State.FOREIGN);
    assertThat(QdiscClaim.root(snap(List.of(clsact), List.of(), List.of()), "n").state())
        .as("clsact is not a root").isEqualTo(State.ABSENT);
  }
}
