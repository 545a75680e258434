// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reply messages as the kernel builds them, for {@link ScriptedSocket} scripts. */
final class Replies {
  private Replies() {}

  /** A message: header (length, type, flags, seq, port {@link ScriptedSocket#PORT}), payload. */
  static byte[] message(int type, int flags, int seq, byte[] payload) {
    int len = NetlinkMessage.HEADER_BYTES + payload.length;
    ByteBuffer b = ByteBuffer.allocate(MessageReader.align4(len)).order(ByteOrder.nativeOrder());
    b.putInt(len).putShort((short) type).putShort((short) flags).putInt(seq)
        .putInt(ScriptedSocket.PORT).put(payload);
    return b.array();
  }

  /** Messages concatenated into one datagram. */
  static byte[] datagram(byte[]... messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  /** An {@code NLMSG_ERROR} with {@code errno} (0: an ack), capped, without extended ack. */
  static byte[] ack(int seq, int errno) {
    ByteBuffer p = ByteBuffer.allocate(4 + NetlinkMessage.HEADER_BYTES)
        .order(ByteOrder.nativeOrder());
    p.putInt(-errno).put(echoedHeader(seq));
    return message(NetlinkMessage.NLMSG_ERROR, NetlinkMessage.NLM_F_CAPPED, seq, p.array());
  }

  /** A refusal with the extended-ack text {@code text} ({@code NLMSGERR_ATTR_MSG}). */
  static byte[] refusal(int seq, int errno, String text) {
    byte[] s = (text + "\0").getBytes(StandardCharsets.UTF_8);
    ByteBuffer p = ByteBuffer.allocate(4 + NetlinkMessage.HEADER_BYTES + MessageReader.align4(
        4 + s.length)).order(ByteOrder.nativeOrder());
    p.putInt(-errno).put(echoedHeader(seq));
    p.putShort((short) (4 + s.length)).putShort((short) MessageReader.NLMSGERR_ATTR_MSG).put(s);
    return message(NetlinkMessage.NLMSG_ERROR,
        NetlinkMessage.NLM_F_CAPPED | NetlinkMessage.NLM_F_ACK_TLVS, seq, p.array());
  }

  /** {@code NLMSG_DONE} with error code 0. */
  static byte[] done(int seq) {
    return done(seq, 0);
  }

  /** {@code NLMSG_DONE} ending a multi-part reply, carrying {@code -errno}. */
  static byte[] done(int seq, int errno) {
    return message(NetlinkMessage.NLMSG_DONE, NetlinkMessage.NLM_F_MULTI, seq,
        ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(-errno).array());
  }

  /** A part of a dump: type {@code RTM_NEWQDISC}, flag MULTI, a 4-byte payload {@code marker}. */
  static byte[] part(int seq, int marker) {
    return part(seq, marker, NetlinkMessage.NLM_F_MULTI);
  }

  static byte[] part(int seq, int marker, int flags) {
    return message(36, flags, seq,
        ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(marker).array());
  }

  /** The marker {@link #part} put in a message. */
  static int marker(NetlinkMessage m) {
    return m.body().getInt(0);
  }

  private static byte[] echoedHeader(int seq) {
    return ByteBuffer.allocate(NetlinkMessage.HEADER_BYTES).order(ByteOrder.nativeOrder())
        .putInt(NetlinkMessage.HEADER_BYTES).putShort((short) 36).putShort((short) 5).putInt(seq)
        .putInt(ScriptedSocket.PORT).array();
  }
}
