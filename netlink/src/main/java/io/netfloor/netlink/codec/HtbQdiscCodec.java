// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.wire.TcHtbGlob;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.plan.HtbQdisc;
import java.util.OptionalInt;

/**
 * HTB qdiscs. Encodes {@code tc qdisc add|change dev DEV parent P handle H htb default D r2q R
 * [direct_qlen Q]} as {@code TCA_KIND "htb"}, {@code TCA_OPTIONS { TCA_HTB_INIT tc_htb_glob,
 * [TCA_HTB_DIRECT_QLEN u32] }}; decodes the same from dumps.
 */
public final class HtbQdiscCodec {
  public static final String KIND = "htb";
  static final int TCA_HTB_INIT = 2;
  static final int TCA_HTB_DIRECT_QLEN = 5;

  /** What a dump says about an HTB qdisc. */
  public record Decoded(TcHtbGlob glob, OptionalInt directQueuePackets) {}

  private HtbQdiscCodec() {}

  /** {@code tc qdisc add} (flags 0x605). */
  public static byte[] encodeAdd(HtbQdisc q, int ifindex) {
    return encode(q, ifindex, Rtm.FLAGS_ADD);
  }

  /** {@code tc qdisc change} (flags 0x005): new default class, r2q or direct_qlen. */
  public static byte[] encodeChange(HtbQdisc q, int ifindex) {
    return encode(q, ifindex, Rtm.FLAGS_CHANGE);
  }

  private static byte[] encode(HtbQdisc q, int ifindex, int flags) {
    TcHtbGlob glob = new TcHtbGlob(TcHtbGlob.VERSION, q.rateToQuantum(), q.defaultClassMinor(), 0, 0);
    MessageWriter m = TcRequests.start(Rtm.RTM_NEWQDISC, flags,
        TcMsg.of(ifindex, q.handle().toBits(), q.parent().toBits(), 0), KIND);
    m.beginNested(Rtm.TCA_OPTIONS).attr(TCA_HTB_INIT, TcHtbGlob.SIZE, glob::write);
    q.directQueuePackets().ifPresent(n -> m.u32(TCA_HTB_DIRECT_QLEN, n));
    return m.endNested().finish();
  }

  /** Decodes the {@code TCA_OPTIONS} of an HTB qdisc from a dump. */
  public static Decoded decode(Attributes top) {
    Attributes opts = top.nested(Rtm.TCA_OPTIONS).orElseThrow(() ->
        new io.netfloor.netlink.NetlinkProtocolException("htb qdisc without TCA_OPTIONS"));
    TcHtbGlob glob = opts.get(TCA_HTB_INIT).map(TcHtbGlob::read).orElseThrow(() ->
        new io.netfloor.netlink.NetlinkProtocolException("htb qdisc without TCA_HTB_INIT"));
    return new Decoded(glob, opts.optU32(TCA_HTB_DIRECT_QLEN));
  }
}
