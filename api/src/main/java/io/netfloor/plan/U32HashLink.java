// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;

/**
 * A u32 node that matches every packet and sends it on to a bucket of a hash table. tc equivalent:
 * {@code tc filter add dev DEV parent P protocol PROTO prio PRIO handle H u32 link HT: hashkey mask
 * HMASK at HOFF match u32 0 0}. The kernel picks the bucket as
 * {@code (ntohl(word at hashOffset) & hashMask) >> ctz(hashMask)}, modulo the table's divisor.
 *
 * @param device the device the object lives on
 * @param parent the qdisc the filter is attached to
 * @param prio the filter priority, 1..65535
 * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
 *     {@link EtherType})
 * @param handle where the link node itself lives (a node in the prio's root table)
 * @param linkHtid the hash table the link sends packets on to
 * @param hashOffset offset of the hashed 32-bit word from the network header (−12: bytes 2–5 of
 *     the destination MAC)
 * @param hashMask mask applied to that word, in host terms ({@code 0xff}: the last MAC byte)
 */
public record U32HashLink(InterfaceName device, ClassHandle parent, int prio, int protocol,
    U32Handle handle, int linkHtid, int hashOffset, int hashMask) implements TcObject {

  /**
   * Checks the prio and the linked table id.
   *
   * @param device the device the object lives on
   * @param parent the qdisc the filter is attached to
   * @param prio the filter priority, 1..65535
   * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
   *     {@link EtherType})
   * @param handle where the link node itself lives (a node in the prio's root table)
   * @param linkHtid the hash table the link sends packets on to
   * @param hashOffset offset of the hashed 32-bit word from the network header (−12: bytes 2–5 of
   *     the destination MAC)
   * @param hashMask mask applied to that word, in host terms ({@code 0xff}: the last MAC byte)
   * @throws io.netfloor.InvalidValueException if {@code prio} is outside 1..65535 or
   *     {@code linkHtid} outside 0..0xfff
   */
  public U32HashLink {
    U32Filters.checkPrio(prio);
    U32Handle.table(linkHtid);
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.FILTER, device, parent.toBits(), prio, handle.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.U32_HASH_LINK;
  }

  @Override
  public String describe() {
    return "filter u32 " + handle + " on " + device + " prio " + prio + " protocol "
        + EtherType.name(protocol) + " link " + U32Handle.table(linkHtid) + " hashkey mask "
        + String.format("0x%08x", hashMask) + " at " + hashOffset;
  }
}
