// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;

/**
 * A leaf qdisc under an HTB class. tc equivalent: {@code tc qdisc add dev DEV parent 1:N handle N:
 * sfq perturb 10} (or {@code fq_codel}, {@code pfifo limit 1000}).
 *
 * @param device the device the object lives on
 * @param handle the leaf qdisc's handle {@code N:}, N > 0 (NetFloor uses the class's minor)
 * @param parent the HTB class the leaf hangs under
 * @param kind the queue discipline
 * @param limitPackets queue limit for {@code pfifo}; ignored by the other kinds (kernel defaults)
 */
public record LeafQdisc(InterfaceName device, ClassHandle handle, ClassHandle parent,
    LeafQdiscKind kind, int limitPackets) implements TcObject {

  /** libvirt's sfq perturbation period. */
  public static final int SFQ_PERTURB_SECONDS = 10;
  /** pfifo limit used for {@link LeafQdiscKind#PFIFO}. */
  public static final int DEFAULT_PFIFO_LIMIT = 1000;

  /**
   * Checks handle, parent and limit.
   *
   * @param device the device the object lives on
   * @param handle the leaf qdisc's handle {@code N:}, N > 0 (NetFloor uses the class's minor)
   * @param parent the HTB class the leaf hangs under
   * @param kind the queue discipline
   * @param limitPackets queue limit for {@code pfifo}; ignored by the other kinds (kernel defaults)
   * @throws InvalidValueException if {@code handle} is not a qdisc handle {@code N:} with N > 0,
   *     {@code parent} is not a class, or {@code limitPackets} is below 1
   */
  public LeafQdisc {
    if (!handle.isQdisc() || handle.major() == 0) {
      throw new InvalidValueException("a leaf qdisc handle must be 'N:' with N > 0, got " + handle);
    }
    if (parent.isQdisc()) {
      throw new InvalidValueException("a leaf qdisc's parent must be a class, got " + parent);
    }
    if (limitPackets < 1) {
      throw new InvalidValueException("leaf qdisc limit must be positive, got " + limitPackets);
    }
  }

  /**
   * A leaf of {@code kind} with NetFloor's defaults.
   *
   * @param device the device the object lives on
   * @param handle the leaf's handle {@code N:}
   * @param parent the HTB class it hangs under
   * @param kind the queue discipline
   * @return a leaf with limit {@value #DEFAULT_PFIFO_LIMIT} packets (used by pfifo only)
   * @throws InvalidValueException as the canonical constructor
   */
  public static LeafQdisc of(InterfaceName device, ClassHandle handle, ClassHandle parent,
      LeafQdiscKind kind) {
    return new LeafQdisc(device, handle, parent, kind, DEFAULT_PFIFO_LIMIT);
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.QDISC, device, 0, 0, handle.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.LEAF_QDISC;
  }

  @Override
  public String describe() {
    return "qdisc " + kind.kernelName() + " " + handle + " on " + device + " parent " + parent;
  }
}
