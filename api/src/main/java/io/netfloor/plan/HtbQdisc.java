// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.InvalidValueException;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.OptionalInt;

/**
 * An HTB qdisc. tc equivalent: {@code tc qdisc add dev DEV parent PARENT handle H htb default D r2q R
 * [direct_qlen Q]}.
 *
 * @param device the device the object lives on
 * @param handle the qdisc's handle {@code N:}, N > 0
 * @param parent where the qdisc is attached: {@link io.netfloor.units.ClassHandle#ROOT} for a
 *     device's root
 * @param defaultClassMinor minor of the class that takes unclassified traffic (tc's {@code default},
 *     hex on tc's command line)
 * @param rateToQuantum HTB's r2q; only used by the kernel for classes sent without a quantum
 * @param directQueuePackets length of HTB's direct queue; empty = the device's tx_queue_len
 */
public record HtbQdisc(InterfaceName device, ClassHandle handle, ClassHandle parent,
    int defaultClassMinor, int rateToQuantum, OptionalInt directQueuePackets) implements TcObject {

  /**
   * Checks handle, default class and r2q.
   *
   * @param device the device the object lives on
   * @param handle the qdisc's handle {@code N:}, N > 0
   * @param parent where the qdisc is attached: {@link io.netfloor.units.ClassHandle#ROOT} for a
   *     device's root
   * @param defaultClassMinor minor of the class that takes unclassified traffic (tc's
   *     {@code default}, hex on tc's command line)
   * @param rateToQuantum HTB's r2q; only used by the kernel for classes sent without a quantum
   * @param directQueuePackets length of HTB's direct queue; empty = the device's tx_queue_len
   * @throws InvalidValueException if {@code handle} is not {@code N:} with N > 0,
   *     {@code defaultClassMinor} is not 16-bit, or {@code rateToQuantum} is below 1
   */
  public HtbQdisc {
    if (!handle.isQdisc() || handle.major() == 0) {
      throw new InvalidValueException("an HTB qdisc handle must be 'N:' with N > 0, got " + handle);
    }
    if (defaultClassMinor < 0 || defaultClassMinor > 0xffff) {
      throw new InvalidValueException("default class minor " + defaultClassMinor + " is not 16-bit");
    }
    if (rateToQuantum < 1) {
      throw new InvalidValueException("r2q must be at least 1, got " + rateToQuantum);
    }
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey(ObjectKey.Kind.QDISC, device, 0, 0, handle.toBits());
  }

  @Override
  public Kind objectKind() {
    return Kind.HTB_QDISC;
  }

  @Override
  public String describe() {
    return "qdisc htb " + handle + " on " + device + " parent " + parent + " default "
        + Integer.toHexString(defaultClassMinor) + " r2q " + rateToQuantum
        + (directQueuePackets.isPresent() ? " direct_qlen " + directQueuePackets.getAsInt() : "");
  }
}
