// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

/** EtherType values used as a filter's protocol ({@code tcm_info}'s low half, in network order). */
public final class EtherType {
  /** {@code ETH_P_ALL}: tc's {@code protocol all}. */
  public static final int ALL = 0x0003;
  /** {@code ETH_P_IP}: tc's {@code protocol ip}. */
  public static final int IPV4 = 0x0800;

  private EtherType() {}

  /**
   * tc's name for a protocol.
   *
   * @param etherType an EtherType, host order
   * @return {@code all}, {@code ip}, {@code ipv6} or {@code arp}, else the value as {@code 0x} and
   *     four hex digits
   */
  public static String name(int etherType) {
    return switch (etherType) {
      case ALL -> "all";
      case IPV4 -> "ip";
      case 0x86dd -> "ipv6";
      case 0x0806 -> "arp";
      default -> String.format("0x%04x", etherType);
    };
  }
}
