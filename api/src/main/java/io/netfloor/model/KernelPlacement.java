// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

import io.netfloor.InvalidValueException;

/**
 * Where a network's tree sits among what else the bridge holds: facts the engine reads from the
 * kernel when it starts or reconciles, not part of the recorded status.
 *
 * @param ownsRootQdisc true when NetFloor creates (and on stop deletes) the bridge's root HTB qdisc
 *     {@code 1:}; false when it builds its classes under a root another tool made (libvirt's bare
 *     {@code htb 1: default 2}), which then stays
 * @param filterPrio the u32 prio of the network's steering filters and its ownership mark: libvirt's
 *     2, unless another tool's filters hold that prio
 * @param rootTableId the id the kernel gave the root table of the u32 instance at that prio
 *     ({@code 800:} for the first u32 instance on the qdisc, {@code 801:}… after another tool's);
 *     the hashed layout's link node lives there
 */
public record KernelPlacement(boolean ownsRootQdisc, int filterPrio, int rootTableId) {
  /** A bridge NetFloor has to itself: its own root, prio 2, table {@code 800:}. */
  public static final KernelPlacement DEFAULT = new KernelPlacement(true, 2, 0x800);

  /**
   * Checks the prio and the table id.
   *
   * @param ownsRootQdisc true when NetFloor creates (and on stop deletes) the bridge's root HTB
   *     qdisc {@code 1:}; false when it builds its classes under a root another tool made
   *     (libvirt's bare {@code htb 1: default 2}), which then stays
   * @param filterPrio the u32 prio of the network's steering filters and its ownership mark:
   *     libvirt's 2, unless another tool's filters hold that prio
   * @param rootTableId the id the kernel gave the root table of the u32 instance at that prio
   *     ({@code 800:} for the first u32 instance on the qdisc, {@code 801:}… after another tool's);
   *     the hashed layout's link node lives there
   * @throws InvalidValueException if {@code filterPrio} is outside 1..65535 or {@code rootTableId}
   *     outside 0x800..0xfff
   */
  public KernelPlacement {
    if (filterPrio < 1 || filterPrio > 0xffff) {
      throw new InvalidValueException("filter prio " + filterPrio + " must be in 1..65535");
    }
    if (rootTableId < 0x800 || rootTableId > 0xfff) {
      throw new InvalidValueException("a u32 root table id is in 800..fff, got "
          + Integer.toHexString(rootTableId));
    }
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof KernelPlacement p && p.ownsRootQdisc == ownsRootQdisc
        && p.filterPrio == filterPrio && p.rootTableId == rootTableId;
  }

  @Override
  public int hashCode() {
    return (31 * Boolean.hashCode(ownsRootQdisc) + Integer.hashCode(filterPrio)) * 31
        + Integer.hashCode(rootTableId);
  }
}
