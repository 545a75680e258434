// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.wire.TcMsg;

/** The part every qdisc, class and filter request shares: header, tcmsg, {@code TCA_KIND}. */
final class TcRequests {
  private TcRequests() {}

  static MessageWriter start(int type, int flags, TcMsg tcm) {
    return new MessageWriter(type, flags).struct(TcMsg.SIZE, tcm::write);
  }

  static MessageWriter start(int type, int flags, TcMsg tcm, String kind) {
    return start(type, flags, tcm).string(Rtm.TCA_KIND, kind);
  }

  /** A dump of {@code type} for one device (and, for filters, one parent). */
  static byte[] dump(int type, int ifindex, int parent, int info) {
    return start(type, Rtm.FLAGS_DUMP, TcMsg.of(ifindex, 0, parent, info)).finish();
  }
}
