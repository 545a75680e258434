// SPDX-License-Identifier: Apache-2.0
package io.netfloor.model;

/** Which frames addressed to an interface's MAC are steered into its floor class. */
public enum TrafficMatch {
  /** Every EtherType: IPv4, IPv6, ARP… The default: a floor that only covers IPv4 is no floor. */
  ALL_ETHERTYPES,
  /**
   * Only IPv4 (filter {@code protocol ip} plus a key on EtherType 0x0800), exactly as libvirt; IPv6
   * and ARP fall into the default class. For compatibility with libvirt-made trees.
   */
  IPV4_ONLY
}
