// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;

/**
 * A u32 hash table. tc equivalent: {@code tc filter add dev DEV parent P protocol PROTO prio PRIO
 * handle HT: u32 divisor D}.
 *
 * @param device the device the object lives on
 * @param parent the qdisc the filter is attached to
 * @param prio the filter priority, 1..65535
 * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
 *     {@link EtherType})
 * @param htid the table id, 1..0xfff
 * @param divisor number of buckets: a power of two, at most 256
 */
public record U32HashTable(InterfaceName device, ClassHandle parent, int prio, int protocol,
    int htid, int divisor) implements TcObject {

  /**
   * Checks prio, table id and divisor.
   *
   * @param device the device the object lives on
   * @param parent the qdisc the filter is attached to
   * @param prio the filter priority, 1..65535
   * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
   *     {@link EtherType})
   * @param htid the table id, 1..0xfff
   * @param divisor number of buckets: a power of two, at most 256
   * @throws InvalidValueException if {@code prio} is outside 1..65535, {@code htid} is 0 or above
   *     0xfff, or {@code divisor} is not a power of two up to 256
   */
  public U32HashTable {
    U32Filters.checkPrio(prio);
    U32Handle.table(htid); // range check
    if (htid == 0) {
      throw new InvalidValueException("a hash table needs a non-zero table id");
    }
    if (divisor < 1 || divisor > 256 || Integer.bitCount(divisor) != 1) {
      throw new InvalidValueException("u32 divisor " + divisor + " must be a power of 2 up to 256");
    }
  }

  /**
   * The table's own handle.
   *
   * @return {@code htid:}
   */
  public U32Handle handle() {
    return U32Handle.table(htid);
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.FILTER, device, parent.toBits(), prio, handle().toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.U32_HASH_TABLE;
  }

  @Override
  public String describe() {
    return "filter u32 table " + handle() + " on " + device + " prio " + prio + " protocol "
        + EtherType.name(protocol) + " divisor " + divisor;
  }
}
