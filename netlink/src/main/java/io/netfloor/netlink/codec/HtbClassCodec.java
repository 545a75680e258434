// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.NetlinkProtocolException;
import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.wire.TcHtbOpt;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.netlink.wire.TcRateSpec;
import io.netfloor.plan.HtbClass;
import io.netfloor.spi.ClassInfo;
import io.netfloor.tc.TcTiming;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.util.Optional;

/**
 * HTB classes. Encodes {@code tc class add|change dev DEV parent P classid C htb rate
 * R ceil C [burst B] [cburst CB] quantum Q prio P} exactly as tc does: attributes in tc's order
 * {@code [TCA_HTB_RATE64] [TCA_HTB_CEIL64] TCA_HTB_PARMS TCA_HTB_RTAB TCA_HTB_CTAB}, Ethernet rate
 * specs with {@code cell_log} 3 and {@code cell_align} −1, buffers in ticks from {@link TcTiming},
 * {@code 0xFFFFFFFF} in the 32-bit rate above 2³²−1 bytes/s. The quantum is always sent explicitly,
 * so the kernel never warns "quantum of class … is big".
 *
 * <p><b>Rate tables.</b> The kernel no longer needs RTAB/CTAB: {@code htb_change_class} reads them
 * only when {@code ratespec.linklayer} is 0 (UNAWARE), and then only to guess the link layer;
 * scheduling uses {@code max(rate.rate, RATE64)} through {@code psched_ratecfg_precompute}. Our rate
 * specs always say linklayer 1 (ETHERNET), so a class without tables is accepted and behaves
 * identically ({@code HtbClassTablesKernelTest} dumps both forms back and compares them, with tc
 * as the oracle). Leaving the two 1028-byte tables out makes a class request 100
 * bytes instead of 2152, which is most of the cost of encoding it and of copying it into the
 * kernel. The overloads without a {@code rateTables} argument still send them, byte for byte as tc.
 */
public final class HtbClassCodec {
  static final int TCA_HTB_PARMS = 1;
  static final int TCA_HTB_CTAB = 3;
  static final int TCA_HTB_RTAB = 4;
  static final int TCA_HTB_RATE64 = 6;
  static final int TCA_HTB_CEIL64 = 7;
  private static final int TABLE_BYTES = 4 * TcTiming.RATE_TABLE_ENTRIES;

  private HtbClassCodec() {}

  /** {@code tc class add} (flags 0x605, {@code tcm_parent} = the parent). */
  public static byte[] encodeAdd(HtbClass c, int ifindex, TcTiming timing, boolean echo) {
    return encodeAdd(c, ifindex, timing, echo, true);
  }

  /**
   * {@link #encodeAdd(HtbClass, int, TcTiming, boolean)}, with the rate tables only when
   * {@code rateTables} (tc-identical bytes); without them the kernel builds the same class (see the
   * class comment).
   */
  public static byte[] encodeAdd(HtbClass c, int ifindex, TcTiming timing, boolean echo,
      boolean rateTables) {
    return encode(c, ifindex, timing, Rtm.FLAGS_ADD | (echo ? NetlinkMessage.NLM_F_ECHO : 0),
        c.parent().toBits(), rateTables);
  }

  /**
   * {@code tc class change} (flags 0x005, {@code tcm_parent} 0 as tc sends it: the kernel finds the
   * class by id and recomputes rate, ceil, buffers, quantum and prio).
   */
  public static byte[] encodeChange(HtbClass c, int ifindex, TcTiming timing) {
    return encodeChange(c, ifindex, timing, true);
  }

  /** {@link #encodeChange(HtbClass, int, TcTiming)}, with the rate tables only when asked. */
  public static byte[] encodeChange(HtbClass c, int ifindex, TcTiming timing, boolean rateTables) {
    return encode(c, ifindex, timing, Rtm.FLAGS_CHANGE, 0, rateTables);
  }

  /** {@code tc class del dev DEV classid C}: only ifindex and handle (capture 15). */
  public static byte[] encodeDelete(ClassHandle classId, int ifindex) {
    return TcRequests.start(Rtm.RTM_DELTCLASS, Rtm.FLAGS_CHANGE,
        TcMsg.of(ifindex, classId.toBits(), 0, 0)).finish();
  }

  private static byte[] encode(HtbClass c, int ifindex, TcTiming timing, int flags, int parent,
      boolean rateTables) {
    long rate = c.rate().bytesPerSecond();
    long ceil = c.ceil().bytesPerSecond();
    int cellLog = TcTiming.cellLog(TcTiming.DEFAULT_MTU_BYTES);
    long burst = c.burst().map(b -> b.bytes()).orElseGet(() -> timing.defaultBurstBytes(rate));
    long cburst = c.cburst().map(b -> b.bytes()).orElseGet(() -> timing.defaultBurstBytes(ceil));
    TcHtbOpt opt = new TcHtbOpt(
        TcRateSpec.ethernet(cellLog, TcTiming.rate32(rate)),
        TcRateSpec.ethernet(cellLog, TcTiming.rate32(ceil)),
        timing.xmitTicks(rate, burst), timing.xmitTicks(ceil, cburst), c.quantumBytes(), 0, c.prio());
    MessageWriter w = TcRequests.start(Rtm.RTM_NEWTCLASS, flags,
        TcMsg.of(ifindex, c.classId().toBits(), parent, 0), HtbQdiscCodec.KIND);
    w.beginNested(Rtm.TCA_OPTIONS);
    if (TcTiming.needs64BitRate(rate)) {
      w.u64(TCA_HTB_RATE64, rate);
    }
    if (TcTiming.needs64BitRate(ceil)) {
      w.u64(TCA_HTB_CEIL64, ceil);
    }
    w.attr(TCA_HTB_PARMS, TcHtbOpt.SIZE, opt::write);
    if (!rateTables) {
      return w.endNested().finish();
    }
    long[] rtab = timing.rateTable(rate, cellLog);
    long[] ctab = timing.rateTable(ceil, cellLog);
    w.attr(TCA_HTB_RTAB, TABLE_BYTES, b -> {
      for (long t : rtab) {
        b.putInt((int) t);
      }
    });
    w.attr(TCA_HTB_CTAB, TABLE_BYTES, b -> {
      for (long t : ctab) {
        b.putInt((int) t);
      }
    });
    return w.endNested().finish();
  }

  /**
   * Decodes one class of an {@code RTM_GETTCLASS} dump. A top-level class ({@code tcm_parent}
   * {@code TC_H_ROOT}) gets its qdisc's handle as parent.
   *
   * @throws NetlinkProtocolException if PARMS is missing or a struct is truncated
   */
  public static ClassInfo decode(TcDumpMessage m, InterfaceName device) {
    Attributes opts = m.attributes().nested(Rtm.TCA_OPTIONS).orElseThrow(() ->
        new NetlinkProtocolException("htb class " + ClassHandle.fromBits(m.tcm().handle())
            + " without TCA_OPTIONS"));
    TcHtbOpt opt = opts.get(TCA_HTB_PARMS).map(TcHtbOpt::read).orElseThrow(() ->
        new NetlinkProtocolException("htb class without TCA_HTB_PARMS"));
    long rate = opts.optU64(TCA_HTB_RATE64).orElse(opt.rate().rateBytesPerSecond());
    long ceil = opts.optU64(TCA_HTB_CEIL64).orElse(opt.ceil().rateBytesPerSecond());
    if (rate < 0 || ceil < 0 || rate > Long.MAX_VALUE / 8 || ceil > Long.MAX_VALUE / 8) {
      throw new NetlinkProtocolException("htb class rate " + Long.toUnsignedString(rate)
          + " or ceil " + Long.toUnsignedString(ceil) + " bytes/s out of range");
    }
    ClassHandle classId = ClassHandle.fromBits(m.tcm().handle());
    ClassHandle parent = m.tcm().parent() == Rtm.TC_H_ROOT
        ? ClassHandle.qdisc(classId.major()) : ClassHandle.fromBits(m.tcm().parent());
    Optional<ClassHandle> leaf = m.tcm().info() == 0 ? Optional.empty()
        : Optional.of(ClassHandle.fromBits(m.tcm().info()));
    return new ClassInfo(device, classId, parent, Rate.ofBytesPerSecond(rate),
        Rate.ofBytesPerSecond(ceil), opt.bufferTicks(), opt.cbufferTicks(), opt.quantumBytes(),
        opt.prio(), opt.level(), leaf, StatsCodec.htbClassStats(m.attributes()));
  }
}
