// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The objects of a small network's tree on {@code br0} (root, mark, 1:1, default 1:2, one floor
 * class 1:3 with its leaf, the hashed layout's table and link), shared by the plan tests.
 */
final class PlanFixtures {
  static final InterfaceName BR = InterfaceName.of("br0");
  static final ClassHandle ROOT = ClassHandle.qdisc(1);

  static final HtbQdisc QDISC = new HtbQdisc(BR, ROOT, ClassHandle.ROOT, 2, 10,
      OptionalInt.empty());
  static final U32OwnerMark MARK = new U32OwnerMark(BR, ROOT, 2, EtherType.ALL, true, "net");
  static final HtbClass TOP = htbClass(1, ROOT, "100mbit");
  static final HtbClass DEFAULT = htbClass(2, ClassHandle.of(1, 1), "90mbit");
  static final HtbClass FLOOR = htbClass(3, ClassHandle.of(1, 1), "10mbit");
  static final LeafQdisc LEAF = LeafQdisc.of(BR, ClassHandle.qdisc(3), ClassHandle.of(1, 3),
      LeafQdiscKind.PFIFO);
  static final U32HashTable TABLE = new U32HashTable(BR, ROOT, 2, EtherType.ALL, 0x10, 256);
  static final U32HashLink LINK = new U32HashLink(BR, ROOT, 2, EtherType.ALL,
      U32Handle.of(0x800, 0, 0x800), 0x10, -12, 0xff);

  private PlanFixtures() {}

  /** A class of {@code br0} under {@code parent} with rate = ceil = {@code rate}. */
  static HtbClass htbClass(int minor, ClassHandle parent, String rate) {
    return new HtbClass(BR, ClassHandle.of(1, minor), parent, Rate.parse(rate), Rate.parse(rate),
        Optional.empty(), Optional.empty(), 1600, 0);
  }
}
