// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One netlink message of a reply datagram: the {@code nlmsghdr} fields and the payload after the
 * 16-byte header, as a read-only little-endian (host order) view of its own.
 *
 * @param portId {@code nlmsg_pid}: in replies, the port id of the receiving socket
 */
public record NetlinkMessage(int type, int flags, int seq, int portId, ByteBuffer payload) {

  /** {@code struct nlmsghdr} is 16 bytes. */
  public static final int HEADER_BYTES = 16;

  public static final int NLMSG_NOOP = 1;
  public static final int NLMSG_ERROR = 2;
  public static final int NLMSG_DONE = 3;
  public static final int NLMSG_OVERRUN = 4;

  public static final int NLM_F_REQUEST = 0x1;
  public static final int NLM_F_MULTI = 0x2;
  public static final int NLM_F_ACK = 0x4;
  public static final int NLM_F_ECHO = 0x8;
  public static final int NLM_F_DUMP_INTR = 0x10;
  /** GET: {@code ROOT | MATCH}. */
  public static final int NLM_F_DUMP = 0x300;
  /** NEW: replace an existing object. */
  public static final int NLM_F_REPLACE = 0x100;
  /** NEW: fail if the object exists. */
  public static final int NLM_F_EXCL = 0x200;
  /** NEW: create if missing. */
  public static final int NLM_F_CREATE = 0x400;
  /** Error replies: the request copy was left out. */
  public static final int NLM_F_CAPPED = 0x100;
  /** Error replies: extended-ack TLVs follow. */
  public static final int NLM_F_ACK_TLVS = 0x200;

  public NetlinkMessage {
    payload = payload.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  /** A fresh view of the payload, positioned at its start. */
  public ByteBuffer body() {
    return payload.duplicate().order(ByteOrder.nativeOrder());
  }

  public boolean hasFlag(int flag) {
    return (flags & flag) != 0;
  }

  @Override
  public String toString() {
    return "NetlinkMessage{type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", seq="
        + Integer.toUnsignedString(seq) + ", payload=" + payload.remaining() + " bytes}";
  }
}
