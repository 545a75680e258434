// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;

/**
 * A u32 instance: the filters of one qdisc at one prio. tc equivalent of its delete: {@code tc
 * filter del dev DEV parent P protocol PROTO prio PRIO u32}. Plans only ever delete one, last,
 * once NetFloor has deleted its filters and tables in it one by one, when it leaves the qdisc in
 * place (another tool's root, or its own root that another tool hung filters on) and nothing else
 * is at that prio: the kernel drops an emptied instance by itself only when it is alone on the
 * qdisc. (Deleting the instance first would not do: hash tables other than the root belong to
 * the qdisc's u32 state shared by all its instances, and outlive the instance with their nodes.)
 *
 * @param device the device the object lives on
 * @param parent the qdisc the filter is attached to
 * @param prio the filter priority, 1..65535
 * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
 *     {@link EtherType})
 */
public record U32Instance(InterfaceName device, ClassHandle parent, int prio, int protocol)
    implements TcObject {

  /**
   * Checks the prio.
   *
   * @param device the device the object lives on
   * @param parent the qdisc the filter is attached to
   * @param prio the filter priority, 1..65535
   * @param protocol the EtherType the filter applies to, as tc's {@code protocol} (see
   *     {@link EtherType})
   * @throws io.netfloor.InvalidValueException if {@code prio} is outside 1..65535
   */
  public U32Instance {
    U32Filters.checkPrio(prio);
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.FILTER, device, parent.toBits(), prio, 0);
  }

  @Override
  public Kind objectKind() {
    return Kind.U32_INSTANCE;
  }

  @Override
  public String describe() {
    return "filter u32 instance on " + device + " parent " + parent + " prio " + prio
        + " protocol " + EtherType.name(protocol) + " (every filter and table in it)";
  }
}
