// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.NetlinkProtocolException;
import io.netfloor.netlink.channel.Ack;
import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.wire.IfInfoMsg;
import io.netfloor.units.InterfaceName;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Links: the ifindex and kind of a name ({@code RTM_GETLINK} with {@code IFLA_IFNAME}), and ifb
 * devices ({@code ip link add NAME type ifb up}, {@code ip link del NAME}).
 */
public final class LinkCodec {
  /** {@code RTEXT_FILTER_VF}, as tc asks: keeps the reply small. */
  private static final int RTEXT_FILTER_VF = 1;

  private LinkCodec() {}

  /** {@code RTM_GETLINK} by name (flags 0x005): answered by one RTM_NEWLINK, then an ack. */
  public static byte[] encodeGet(InterfaceName name) {
    return new MessageWriter(Rtm.RTM_GETLINK, Rtm.FLAGS_CHANGE)
        .struct(IfInfoMsg.SIZE, new IfInfoMsg(0, 0, 0, 0, 0)::write)
        .string(Rtm.IFLA_IFNAME, name.value())
        .u32(Rtm.IFLA_EXT_MASK, RTEXT_FILTER_VF)
        .finish();
  }

  /**
   * The ifindex in the reply to {@link #encodeGet}; empty when the ack carries no RTM_NEWLINK.
   *
   * @throws NetlinkProtocolException if the reply's ifinfomsg is truncated
   */
  public static OptionalInt decodeIndex(Ack ack) {
    for (NetlinkMessage m : ack.replies()) {
      if (m.type() == Rtm.RTM_NEWLINK) {
        int index = IfInfoMsg.read(m.body()).index();
        if (index <= 0) {
          throw new NetlinkProtocolException("RTM_NEWLINK with ifindex " + index);
        }
        return OptionalInt.of(index);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The link's kind in the reply to {@link #encodeGet}: {@code IFLA_INFO_KIND} inside
   * {@code IFLA_LINKINFO} ({@code "bridge"}, {@code "veth"}…), as {@code ip -d link} prints it.
   * Empty when the link has no {@code IFLA_LINKINFO} or no kind in it: the kernel sends one only
   * for devices made through rtnetlink ({@code ip link add … type KIND}), not for a physical NIC or
   * loopback.
   *
   * @throws NetlinkProtocolException if the ack carries no RTM_NEWLINK, or a malformed one
   */
  public static Optional<String> decodeKind(Ack ack) {
    for (NetlinkMessage m : ack.replies()) {
      if (m.type() == Rtm.RTM_NEWLINK) {
        ByteBuffer body = m.body();
        IfInfoMsg.read(body); // checks the header is whole
        Attributes attrs = Attributes.parse(body.position(body.position() + IfInfoMsg.SIZE));
        return attrs.nested(Rtm.IFLA_LINKINFO).flatMap(info -> info.string(Rtm.IFLA_INFO_KIND))
            .filter(kind -> !kind.isEmpty());
      }
    }
    throw new NetlinkProtocolException("RTM_GETLINK acked without the link");
  }

  /**
   * {@code ip link add NAME type ifb up}: {@code RTM_NEWLINK} (flags 0x605) with {@code IFF_UP} in
   * flags and change, {@code IFLA_IFNAME} and {@code IFLA_LINKINFO { IFLA_INFO_KIND "ifb" }}.
   */
  public static byte[] encodeAddIfb(InterfaceName name) {
    return new MessageWriter(Rtm.RTM_NEWLINK, Rtm.FLAGS_ADD)
        .struct(IfInfoMsg.SIZE, new IfInfoMsg(0, 0, 0, IfInfoMsg.IFF_UP, IfInfoMsg.IFF_UP)::write)
        .string(Rtm.IFLA_IFNAME, name.value())
        .beginNested(Rtm.IFLA_LINKINFO)
        .string(Rtm.IFLA_INFO_KIND, "ifb")
        .endNested()
        .finish();
  }

  /**
   * {@code ip link add NAME type veth peer name PEER} (down): {@code IFLA_LINKINFO { KIND "veth",
   * DATA { VETH_INFO_PEER { ifinfomsg, IFLA_IFNAME PEER } } }}. Deleting either end deletes both.
   */
  public static byte[] encodeAddVethPair(InterfaceName name, InterfaceName peer) {
    return new MessageWriter(Rtm.RTM_NEWLINK, Rtm.FLAGS_ADD)
        .struct(IfInfoMsg.SIZE, new IfInfoMsg(0, 0, 0, 0, 0)::write)
        .string(Rtm.IFLA_IFNAME, name.value())
        .beginNested(Rtm.IFLA_LINKINFO)
        .string(Rtm.IFLA_INFO_KIND, "veth")
        .beginNested(Rtm.IFLA_INFO_DATA)
        .beginNested(Rtm.VETH_INFO_PEER)
        .struct(IfInfoMsg.SIZE, new IfInfoMsg(0, 0, 0, 0, 0)::write)
        .string(Rtm.IFLA_IFNAME, peer.value())
        .endNested()
        .endNested()
        .endNested()
        .finish();
  }

  /** {@code ip link del NAME}: {@code RTM_DELLINK} by name (flags 0x005). */
  public static byte[] encodeDelete(InterfaceName name) {
    return new MessageWriter(Rtm.RTM_DELLINK, Rtm.FLAGS_CHANGE)
        .struct(IfInfoMsg.SIZE, new IfInfoMsg(0, 0, 0, 0, 0)::write)
        .string(Rtm.IFLA_IFNAME, name.value())
        .finish();
  }
}
