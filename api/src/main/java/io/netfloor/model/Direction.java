// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

/**
 * Direction of a limit, as libvirt names it: seen from the guest. {@code INBOUND} is traffic towards
 * the interface (shaped on the bridge's egress, where floors live); {@code OUTBOUND} is traffic the
 * interface sends.
 */
public enum Direction {
  INBOUND,
  OUTBOUND;

  /** {@code inbound} / {@code outbound}, as in libvirt's XML. */
  public String xmlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
