// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.InvalidValueException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class U32OwnerMarkTest {
  private static final InterfaceName BR = InterfaceName.of("br0");

  private static U32OwnerMark mark(String network, boolean owns) {
    return new U32OwnerMark(BR, ClassHandle.qdisc(1), 2, EtherType.ALL, owns, network);
  }

  @Test
  void keysSpellMagicVersionFlagsAndName() {
    // what tc shows for network "default", qdisc made by NetFloor: the documented example
    assertThat(mark("default", true).keys()).containsExactly(
        new U32Key(0xffffffff, 0x4e464c52, 0, 0), new U32Key(0xffffffff, 0x01000001, 4, 0),
        new U32Key(0xffffffff, 0x64656661, 8, 0), new U32Key(0xffffffff, 0x756c7400, 12, 0));
    assertThat(mark("default", false).keys().get(1).value()).isEqualTo(0x01000000);
  }

  @Property
  void decodeReadsBackWhatKeysWrite(@ForAll @AlphaChars @NumericChars @StringLength(min = 1,
      max = 64) String network, @ForAll boolean owns) {
    assertThat(U32OwnerMark.decode(mark(network, owns).keys()))
        .contains(new U32OwnerMark.Decoded(owns, network));
  }

  @Test
  void otherNodesAreNotMarks() {
    List<U32Key> keys = new ArrayList<>(mark("net", true).keys());
    assertThat(U32OwnerMark.decode(List.of())).isEmpty();
    assertThat(U32OwnerMark.decode(keys.subList(0, 2))).as("no name").isEmpty();
    keys.set(0, new U32Key(0xffffffff, 0x4e464c53, 0, 0));
    assertThat(U32OwnerMark.decode(keys)).as("wrong magic").isEmpty();
    List<U32Key> version = new ArrayList<>(mark("net", true).keys());
    version.set(1, new U32Key(0xffffffff, 0x02000001, 4, 0));
    assertThat(U32OwnerMark.decode(version)).as("a newer format").isEmpty();
    List<U32Key> offset = new ArrayList<>(mark("net", true).keys());
    offset.set(2, new U32Key(0xffffffff, offset.get(2).value(), 12, 0));
    assertThat(U32OwnerMark.decode(offset)).as("name key out of place").isEmpty();
    List<U32Key> magicOffset = new ArrayList<>(mark("net", true).keys());
    magicOffset.set(0, new U32Key(0xffffffff, 0x4e464c52, 4, 0));
    assertThat(U32OwnerMark.decode(magicOffset)).as("magic out of place").isEmpty();
    List<U32Key> control = new ArrayList<>(mark("net", true).keys());
    control.set(2, new U32Key(0xffffffff, 0x6e650a00, 8, 0));
    assertThat(U32OwnerMark.decode(control)).as("control character in the name").isEmpty();
    List<U32Key> high = new ArrayList<>(mark("net", true).keys());
    high.set(2, new U32Key(0xffffffff, 0x6e65ff00, 8, 0));
    assertThat(U32OwnerMark.decode(high)).as("non-ASCII byte in the name").isEmpty();
    List<U32Key> empty = new ArrayList<>(mark("net", true).keys());
    empty.set(2, new U32Key(0xffffffff, 0, 8, 0));
    assertThat(U32OwnerMark.decode(empty)).as("empty name").isEmpty();
  }

  @Test
  void printableAsciiAtBothEndsDecodes() {
    assertThat(U32OwnerMark.decode(mark(" a~", true).keys()))
        .contains(new U32OwnerMark.Decoded(true, " a~"));
    List<U32Key> del = new ArrayList<>(mark("net", true).keys());
    del.set(2, new U32Key(0xffffffff, 0x6e657f00, 8, 0));
    assertThat(U32OwnerMark.decode(del)).as("DEL is not printable").isEmpty();
    List<U32Key> unit = new ArrayList<>(mark("net", true).keys());
    unit.set(2, new U32Key(0xffffffff, 0x6e651f00, 8, 0));
    assertThat(U32OwnerMark.decode(unit)).as("a control character").isEmpty();
  }

  @Test
  void aMarkNeedsAValidPrio() {
    assertThatThrownBy(() -> new U32OwnerMark(BR, ClassHandle.qdisc(1), 0, EtherType.ALL, true,
        "net")).isInstanceOf(InvalidValueException.class).hasMessageContaining("prio 0");
  }

  @Test
  void namesOutsideAsciiOrTooLongAreRefused() {
    assertThatThrownBy(() -> mark("", true)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> mark("n".repeat(65), true)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("1-64 ASCII");
    assertThatThrownBy(() -> mark("n\u00e9t", true)).isInstanceOf(InvalidValueException.class);
    assertThat(mark("n".repeat(64), true).keys()).hasSize(2 + 16);
  }

  @Test
  void identityIsTheNodeHandleUnderItsQdiscAndPrio() {
    U32OwnerMark m = mark("net", true);
    assertThat(m.key()).isEqualTo(new ObjectKey(ObjectKey.Kind.FILTER, BR,
        ClassHandle.qdisc(1).toBits(), 2, U32Handle.of(0x7fe, 0, 1).toBits()));
    assertThat(m.key()).isEqualTo(mark("other", false).key());
    assertThat(m.table()).isEqualTo(new U32HashTable(BR, ClassHandle.qdisc(1), 2, EtherType.ALL,
        0x7fe, 1));
    assertThat(m.describe()).contains("7fe::1", "'net'", "owns qdisc 1:");
    assertThat(mark("net", false).describe()).contains("another tool's qdisc");
  }
}
