// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import io.netfloor.units.InterfaceName;
import java.util.Objects;

/**
 * Identity of a {@link TcObject} in the kernel: what tc needs to name it for a delete.
 *
 * @param kind what sort of object
 * @param device the device it lives on
 * @param parent the parent handle (filters: the qdisc they are attached to; else 0)
 * @param prio filter priority (0 for everything else)
 * @param handle the object's handle: qdisc handle, class id or u32 handle (0 for a device)
 */
public record ObjectKey(Kind kind, InterfaceName device, int parent, int prio, int handle)
    implements Comparable<ObjectKey> {

  /** What sort of object a key names. */
  public enum Kind {
    /** A network device NetFloor creates (an ifb). */
    DEVICE,
    /** A qdisc, named by its handle. */
    QDISC,
    /** An HTB class, named by its class id. */
    CLASS,
    /** A filter, named by its parent qdisc, prio and handle. */
    FILTER
  }

  @Override
  public int compareTo(ObjectKey o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) c = device.compareTo(o.device);
    if (c == 0) c = Integer.compareUnsigned(parent, o.parent);
    if (c == 0) c = Integer.compare(prio, o.prio);
    if (c == 0) c = Integer.compareUnsigned(handle, o.handle);
    return c;
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectKey k && k.kind == kind && Objects.equals(k.device, device)
        && k.parent == parent && k.prio == prio && k.handle == handle;
  }

  @Override
  public int hashCode() {
    int h = Objects.hashCode(kind);
    h = 31 * h + Objects.hashCode(device);
    h = 31 * h + Integer.hashCode(parent);
    h = 31 * h + Integer.hashCode(prio);
    return 31 * h + Integer.hashCode(handle);
  }
}
