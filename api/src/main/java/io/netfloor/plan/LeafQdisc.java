// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;

/**
 * A leaf qdisc under an HTB class. tc equivalent: {@code tc qdisc add dev DEV parent 1:N handle N:
 * sfq perturb 10} (or {@code fq_codel}, {@code pfifo limit 1000}).
 *
 * @param limitPackets queue limit for {@code pfifo}; ignored by the other kinds (kernel defaults)
 */
public record LeafQdisc(InterfaceName device, ClassHandle handle, ClassHandle parent,
    LeafQdiscKind kind, int limitPackets) implements TcObject {

  /** libvirt's sfq perturbation period. */
  public static final int SFQ_PERTURB_SECONDS = 10;
  /** pfifo limit used for {@link LeafQdiscKind#PFIFO}. */
  public static final int DEFAULT_PFIFO_LIMIT = 1000;

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

  /** A leaf of {@code kind} with NetFloor's defaults. */
  public static LeafQdisc of(InterfaceName device, ClassHandle handle, ClassHandle parent,
      LeafQdiscKind kind) {
    return new LeafQdisc(device, handle, parent, kind, DEFAULT_PFIFO_LIMIT);
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.QDISC, device, 0, 0, handle.toBits());
  }

  @Override
  public String describe() {
    return "qdisc " + kind.kernelName() + " " + handle + " on " + device + " parent " + parent;
  }
}
