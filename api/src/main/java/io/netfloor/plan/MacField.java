// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

/**
 * Which MAC address of an Ethernet frame a {@link U32MacFilter} compares: the destination (frames
 * towards an interface, on the bridge's egress) or the source (frames an interface sends, on the
 * outbound floor tree).
 */
public enum MacField {
  /** The destination address, bytes −14..−9 from the network header. */
  DESTINATION,
  /** The source address, bytes −8..−3 from the network header. */
  SOURCE
}
