// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import static io.netfloor.netlink.channel.NetlinkMessage.NLM_F_ACK;
import static io.netfloor.netlink.channel.NetlinkMessage.NLM_F_CREATE;
import static io.netfloor.netlink.channel.NetlinkMessage.NLM_F_DUMP;
import static io.netfloor.netlink.channel.NetlinkMessage.NLM_F_EXCL;
import static io.netfloor.netlink.channel.NetlinkMessage.NLM_F_REQUEST;

/** rtnetlink message types, tc attribute numbers and the flag sets tc uses. */
public final class Rtm {
  public static final int RTM_NEWLINK = 16;
  public static final int RTM_DELLINK = 17;
  public static final int RTM_GETLINK = 18;
  public static final int RTM_NEWQDISC = 36;
  public static final int RTM_DELQDISC = 37;
  public static final int RTM_GETQDISC = 38;
  public static final int RTM_NEWTCLASS = 40;
  public static final int RTM_DELTCLASS = 41;
  public static final int RTM_GETTCLASS = 42;
  public static final int RTM_NEWTFILTER = 44;
  public static final int RTM_DELTFILTER = 45;
  public static final int RTM_GETTFILTER = 46;

  /** {@code tc … add}: REQUEST, ACK, EXCL, CREATE (0x605). */
  public static final int FLAGS_ADD = NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE;
  /** {@code tc … change} and {@code tc … del}: REQUEST, ACK (0x005). */
  public static final int FLAGS_CHANGE = NLM_F_REQUEST | NLM_F_ACK;
  /** A dump: REQUEST, DUMP (0x301). */
  public static final int FLAGS_DUMP = NLM_F_REQUEST | NLM_F_DUMP;

  // enum TCA_*
  public static final int TCA_KIND = 1;
  public static final int TCA_OPTIONS = 2;
  public static final int TCA_STATS = 3;
  public static final int TCA_XSTATS = 4;
  public static final int TCA_STATS2 = 7;
  public static final int TCA_CHAIN = 11;
  public static final int TCA_HW_OFFLOAD = 12;

  // enum TCA_STATS_*
  public static final int TCA_STATS_BASIC = 1;
  public static final int TCA_STATS_QUEUE = 3;
  public static final int TCA_STATS_APP = 4;
  public static final int TCA_STATS_BASIC_HW = 7;
  public static final int TCA_STATS_PKT64 = 8;

  // enum IFLA_*
  public static final int IFLA_IFNAME = 3;
  public static final int IFLA_LINKINFO = 18;
  public static final int IFLA_EXT_MASK = 29;
  public static final int IFLA_INFO_KIND = 1;
  public static final int IFLA_INFO_DATA = 2;
  /** {@code VETH_INFO_PEER}: the peer's ifinfomsg and attributes, inside IFLA_INFO_DATA. */
  public static final int VETH_INFO_PEER = 1;

  /** {@code TC_H_ROOT}. */
  public static final int TC_H_ROOT = 0xFFFFFFFF;
  /** {@code TC_H_INGRESS}. */
  public static final int TC_H_INGRESS = 0xFFFFFFF1;

  private Rtm() {}
}
