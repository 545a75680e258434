// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.wire.TcMsg;
import java.nio.ByteBuffer;

/**
 * A qdisc, class or filter message from a dump: its tcmsg, kind and top-level attributes.
 *
 * @param kind {@code TCA_KIND}, or the empty string when the kernel sent none
 */
public record TcDumpMessage(int type, TcMsg tcm, String kind, Attributes attributes) {

  /**
   * Parses a tc message.
   *
   * @throws io.netfloor.netlink.NetlinkProtocolException if the tcmsg or an attribute is truncated
   */
  public static TcDumpMessage parse(NetlinkMessage m) {
    ByteBuffer body = m.body();
    TcMsg tcm = TcMsg.read(body);
    Attributes attrs = Attributes.parse(body.position(body.position() + TcMsg.SIZE));
    return new TcDumpMessage(m.type(), tcm, attrs.string(Rtm.TCA_KIND).orElse(""), attrs);
  }
}
