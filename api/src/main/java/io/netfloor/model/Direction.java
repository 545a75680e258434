// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

/**
 * Direction of a limit, as libvirt names it: seen from the guest. {@code INBOUND} is traffic towards
 * the interface (shaped on the bridge's egress, where floors live); {@code OUTBOUND} is traffic the
 * interface sends.
 */
public enum Direction {
  /**
   * Traffic towards the interface (its guest receives it); shaped on the bridge's egress, the only
   * direction with floors.
   */
  INBOUND,
  /** Traffic the interface sends (its guest transmits it); enforced on the device's ingress. */
  OUTBOUND;

  /**
   * {@code inbound} / {@code outbound}, as in libvirt's XML.
   *
   * @return the lower-case name used by libvirt's {@code <bandwidth>} element
   */
  public String xmlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
