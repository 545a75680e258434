// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import io.netfloor.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a received datagram into {@link NetlinkMessage}s and reads {@code NLMSG_ERROR} payloads,
 * checking every length against the bytes actually there.
 */
public final class MessageReader {
  /** {@code NLMSGERR_ATTR_MSG}: the extended-ack text. */
  public static final int NLMSGERR_ATTR_MSG = 1;
  /** {@code NLMSGERR_ATTR_OFFS}: offset of the offending attribute in the request. */
  public static final int NLMSGERR_ATTR_OFFS = 2;

  private MessageReader() {}

  /**
   * The messages of one datagram, {@code data} from its position to its limit.
   *
   * @throws NetlinkProtocolException if a length is shorter than a header or runs past the datagram
   */
  public static List<NetlinkMessage> split(ByteBuffer data) {
    ByteBuffer b = data.duplicate().order(ByteOrder.nativeOrder());
    List<NetlinkMessage> out = new ArrayList<>();
    while (b.remaining() > 0) {
      int start = b.position();
      if (b.remaining() < NetlinkMessage.HEADER_BYTES) {
        throw new NetlinkProtocolException(b.remaining() + " stray bytes after the last message");
      }
      long len = Integer.toUnsignedLong(b.getInt(start));
      if (len < NetlinkMessage.HEADER_BYTES || len > b.remaining()) {
        throw new NetlinkProtocolException("message length " + len + " at offset " + start
            + " does not fit the " + (b.limit() - data.position()) + "-byte datagram");
      }
      int type = Short.toUnsignedInt(b.getShort(start + 4));
      int flags = Short.toUnsignedInt(b.getShort(start + 6));
      int seq = b.getInt(start + 8);
      int pid = b.getInt(start + 12);
      ByteBuffer payload = b.duplicate().position(start + NetlinkMessage.HEADER_BYTES)
          .limit(start + (int) len).slice().order(ByteOrder.nativeOrder());
      out.add(new NetlinkMessage(type, flags, seq, pid, payload));
      int next = start + align4((int) len);
      b.position(Math.min(next, b.limit()));
    }
    return out;
  }

  /**
   * Reads an {@code NLMSG_ERROR} (or the payload of an {@code NLMSG_DONE} that carries an error):
   * the errno, the extended-ack text and offset when present.
   *
   * @throws NetlinkProtocolException if the payload is shorter than its fixed part
   */
  public static Ack readError(NetlinkMessage m) {
    ByteBuffer b = m.body();
    if (b.remaining() < 4) {
      throw new NetlinkProtocolException("error message of " + b.remaining()
          + " bytes has no error code");
    }
    int error = b.getInt();
    int errno = error == Integer.MIN_VALUE ? Integer.MAX_VALUE : -error;
    if (errno < 0) {
      throw new NetlinkProtocolException("error code " + error + " is positive");
    }
    String text = null;
    int offset = -1;
    if (m.hasFlag(NetlinkMessage.NLM_F_ACK_TLVS)) {
      int tlvStart;
      if (m.type() == NetlinkMessage.NLMSG_DONE) {
        tlvStart = 4;
      } else {
        // error code, then the request's header, then (unless capped) the request's payload
        if (b.remaining() < NetlinkMessage.HEADER_BYTES) {
          throw new NetlinkProtocolException("error message too short for the echoed header");
        }
        long echoedLen = Integer.toUnsignedLong(b.getInt(4));
        long skip = m.hasFlag(NetlinkMessage.NLM_F_CAPPED) ? NetlinkMessage.HEADER_BYTES
            : echoedLen;
        if (skip < NetlinkMessage.HEADER_BYTES || 4 + skip > b.limit()) {
          throw new NetlinkProtocolException("echoed request of " + skip
              + " bytes runs past the " + b.limit() + "-byte error message");
        }
        tlvStart = 4 + align4((int) skip);
      }
      if (tlvStart <= b.limit()) {
        Attributes tlvs = Attributes.parse(b.duplicate().position(tlvStart));
        text = tlvs.string(NLMSGERR_ATTR_MSG).orElse(null);
        offset = tlvs.optU32(NLMSGERR_ATTR_OFFS).orElse(-1);
      }
    }
    return new Ack(m.seq(), errno, text, offset, List.of());
  }

  /** {@code (n + 3) & ~3}. */
  public static int align4(int n) {
    return (n + 3) & ~3;
  }
}
