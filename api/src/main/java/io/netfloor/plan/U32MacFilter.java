// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.MacAddress;
import java.util.OptionalInt;

/**
 * A u32 node that steers frames addressed <em>to</em> {@code mac} into class {@code flowId}: the
 * frame's destination MAC (bytes −14..−9 from the network header) must equal {@code mac}; with
 * {@link MacField#SOURCE}, frames sent <em>by</em> {@code mac} (bytes −8..−3, see
 * {@link U32Key#forMacFilter}). tc
 * equivalent (libvirt's form, {@code etherType} 0x0800 present):
 *
 * <pre>
 * tc filter add dev BR protocol ip prio 2 handle 800::803 u32 \
 *    match u16 0x0800 0xffff at -2 match u32 0x00123456 0xffffffff at -12 \
 *    match u16 0x5254 0xffff at -14 flowid 1:3
 * </pre>
 *
 * Keys, in this order: the EtherType at −2 when {@code etherType} is present (as a 32-bit key at −4,
 * mask 0x0000ffff), MAC bytes 2–5 at −12, MAC bytes 0–1 at −14 (a 32-bit key at −16, mask 0x0000ffff).
 *
 * @param device the bridge the filter is on
 * @param parent the qdisc the filter is attached to
 * @param prio the filter priority, 1..65535
 * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
 *     {@link EtherType})
 * @param handle where the node lives: in the prio's root table (libvirt's linear list), or in a bucket
 *     of a NetFloor hash table
 * @param inHashBucket true when the node sits in a bucket of a hash table that NetFloor created (the
 *     request then carries {@code TCA_U32_HASH}); false for a node of the prio's root table
 * @param mac the destination MAC address that matches
 * @param etherType when present, only frames of this EtherType match (libvirt: IPv4 only)
 * @param flowId the class matching frames go to
 * @param field which address of the frame is compared with {@code mac}
 */
public record U32MacFilter(InterfaceName device, ClassHandle parent, int prio, int protocol,
    U32Handle handle, boolean inHashBucket, MacAddress mac, OptionalInt etherType,
    ClassHandle flowId, MacField field) implements TcObject {

  /**
   * Checks the prio and the node id.
   *
   * @param device the bridge the filter is on
   * @param parent the qdisc the filter is attached to
   * @param prio the filter priority, 1..65535
   * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
   *     {@link EtherType})
   * @param handle where the node lives: in the prio's root table (libvirt's linear list), or in a
   *     bucket of a NetFloor hash table
   * @param inHashBucket true when the node sits in a bucket of a hash table that NetFloor created
   *     (the request then carries {@code TCA_U32_HASH}); false for a node of the prio's root table
   * @param mac the destination MAC address that matches
   * @param etherType when present, only frames of this EtherType match (libvirt: IPv4 only)
   * @param flowId the class matching frames go to
   * @param field which address of the frame is compared with {@code mac}
   * @throws io.netfloor.InvalidValueException if {@code prio} is outside 1..65535 or {@code handle}
   *     has node 0
   * @throws NullPointerException if {@code field} is null
   */
  public U32MacFilter {
    java.util.Objects.requireNonNull(field, "field");
    U32Filters.checkPrio(prio);
    if (handle.node() == 0) {
      throw new io.netfloor.InvalidValueException("a u32 node handle needs a non-zero node id, got "
          + handle);
    }
  }

  /**
   * A filter on the destination MAC ({@link MacField#DESTINATION}), as on the bridge.
   *
   * @param device the bridge the filter is on
   * @param parent the qdisc the filter is attached to
   * @param prio the filter priority, 1..65535
   * @param protocol the EtherType the filter applies to (see {@link EtherType})
   * @param handle where the node lives
   * @param inHashBucket true when the node sits in a bucket of a NetFloor hash table
   * @param mac the destination MAC address that matches
   * @param etherType when present, only frames of this EtherType match
   * @param flowId the class matching frames go to
   * @throws io.netfloor.InvalidValueException as the canonical constructor
   */
  public U32MacFilter(InterfaceName device, ClassHandle parent, int prio, int protocol,
      U32Handle handle, boolean inHashBucket, MacAddress mac, OptionalInt etherType,
      ClassHandle flowId) {
    this(device, parent, prio, protocol, handle, inHashBucket, mac, etherType, flowId,
        MacField.DESTINATION);
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.FILTER, device, parent.toBits(), prio, handle.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.U32_MAC_FILTER;
  }

  @Override
  public String describe() {
    return "filter u32 " + handle + " on " + device + " prio " + prio + " protocol "
        + EtherType.name(protocol) + (field == MacField.SOURCE ? " src " : " dst ") + mac
        + (etherType.isPresent() ? " ethertype " + EtherType.name(etherType.getAsInt()) : "")
        + " flowid " + flowId;
  }
}
