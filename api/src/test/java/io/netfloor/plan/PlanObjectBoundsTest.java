// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.model.Bandwidth;
import io.netfloor.model.InterfaceAlias;
import io.netfloor.model.PluggedInterface;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import io.netfloor.units.Rate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The kernel's limits on an HTB class, an interface record's class id and alias, and a plan's
 * partial undo, each accepted exactly up to its documented ends and refused one past them.
 */
class PlanObjectBoundsTest {
  private static final InterfaceName BR = InterfaceName.of("br0");
  private static final ClassHandle ID = ClassHandle.of(1, 3);
  private static final ClassHandle PARENT = ClassHandle.of(1, 1);

  private static HtbClass htbClass(Rate rate, Rate ceil, long quantum, int prio) {
    return new HtbClass(BR, ID, PARENT, rate, ceil, Optional.empty(), Optional.empty(), quantum,
        prio);
  }

  @Test
  void anHtbClassNeedsOneBytePerSecondACeilAtItsRateAQuantumOfThirtyTwoBitsAndPrioUpTo7() {
    Rate byteRate = Rate.ofBitsPerSecond(8);
    assertThat(htbClass(byteRate, byteRate, 1, 0).rate()).isEqualTo(byteRate);
    assertThat(htbClass(byteRate, byteRate, 0xFFFF_FFFFL, 7).prio()).isEqualTo(7);
    Rate sevenBits = Rate.ofBitsPerSecond(7);
    assertThatThrownBy(() -> htbClass(sevenBits, byteRate, 1, 0))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("at least 8bit");
    assertThatThrownBy(() -> htbClass(byteRate, sevenBits, 1, 0))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("at least 8bit");
    assertThatThrownBy(() -> htbClass(Rate.ofBitsPerSecond(16), byteRate, 1, 0))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("below rate");
    assertThat(htbClass(Rate.ofBitsPerSecond(16), Rate.ofBitsPerSecond(16), 1, 0).ceil())
        .isEqualTo(Rate.ofBitsPerSecond(16));
    assertThatThrownBy(() -> htbClass(byteRate, byteRate, 0, 0))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("quantum 0");
    assertThatThrownBy(() -> htbClass(byteRate, byteRate, 0x1_0000_0000L, 0))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("quantum");
    assertThatThrownBy(() -> htbClass(byteRate, byteRate, 1, -1))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("prio -1");
    assertThatThrownBy(() -> htbClass(byteRate, byteRate, 1, 8))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("prio 8");
  }

  @Test
  void anInterfaceRecordHoldsAnAssignableClassIdAndAnAliasOfAtMost128Characters() {
    MacAddress mac = MacAddress.parse("52:54:00:00:00:01");
    Bandwidth floor = Bandwidth.floor(Rate.parse("1mbit"));
    for (int ok : new int[] {3, 0xfffe}) {
      assertThat(new PluggedInterface("a", mac, floor, ok,
          Optional.of(U32Handle.of(0x800, 0, 1))).classMinor()).isEqualTo(ok);
    }
    for (int bad : new int[] {1, 2, 0xffff}) {
      assertThatThrownBy(() -> new PluggedInterface("a", mac, floor, bad,
          Optional.of(U32Handle.of(0x800, 0, 1)))).isInstanceOf(InvalidValueException.class)
          .hasMessageContaining("not assignable");
    }
    String longest = "a".repeat(128);
    assertThat(InterfaceAlias.of(longest).value()).isSameAs(longest);
    assertThatThrownBy(() -> InterfaceAlias.of(longest + "a").value())
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("1-128");
    assertThatThrownBy(() -> InterfaceAlias.of("").value()).isInstanceOf(
        InvalidValueException.class);
    assertThatThrownBy(() -> InterfaceAlias.of(null).value()).isInstanceOf(
        InvalidValueException.class);
  }

  @Test
  void aPlansUndoCoversZeroToAllOfItsOperations() {
    HtbQdisc q = new HtbQdisc(BR, ClassHandle.qdisc(1), ClassHandle.ROOT, 2, 10,
        OptionalInt.empty());
    HtbClass c = new HtbClass(BR, PARENT, ClassHandle.qdisc(1), Rate.parse("1mbit"),
        Rate.parse("1mbit"), Optional.empty(), Optional.empty(), 1600, 0);
    Plan plan = Plan.of(new TcOp.Add(q), new TcOp.Add(c));
    assertThat(plan.isEmpty()).isFalse();
    assertThat(Plan.EMPTY.isEmpty()).isTrue();
    assertThat(plan.size()).isEqualTo(2);
    assertThat(plan.undoOfFirst(0).isEmpty()).isTrue();
    assertThat(plan.undoOfFirst(1).ops()).containsExactly(new TcOp.Delete(q));
    assertThat(plan.undoOfFirst(2).ops()).containsExactly(new TcOp.Delete(c), new TcOp.Delete(q));
    assertThatThrownBy(() -> plan.undoOfFirst(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> plan.undoOfFirst(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(plan.then(Plan.EMPTY).ops()).isEqualTo(plan.ops());
    assertThat(Plan.EMPTY.then(plan).ops()).isEqualTo(List.copyOf(plan.ops()));
  }
}
