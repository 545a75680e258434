// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.netlink.NetlinkProtocolException;
import io.netfloor.netlink.channel.MessageReader;
import io.netfloor.netlink.channel.MessageWriter;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.wire.TcHtbGlob;
import io.netfloor.netlink.wire.TcHtbOpt;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.netlink.wire.TcRateSpec;
import io.netfloor.plan.HtbQdisc;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Dump messages the captures do not contain: the extremes of counters and rates, statistics in
 * the legacy attribute, short options, and HTB qdisc changes.
 */
class DumpEdgeCasesTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final TcHtbOpt PARMS = new TcHtbOpt(TcRateSpec.ethernet(3, 1_250_000),
      TcRateSpec.ethernet(3, 12_500_000), 1000, 2000, 12_500, 0, 0);

  private static TcDumpMessage parse(byte[] message) {
    NetlinkMessage m = MessageReader.split(ByteBuffer.wrap(message)
        .order(ByteOrder.nativeOrder())).get(0);
    return TcDumpMessage.parse(m);
  }

  /** A class message of 1:3 under 1:1 with {@code options} inside TCA_OPTIONS, then {@code tail}. */
  private static TcDumpMessage htbClass(Consumer<MessageWriter> options,
      Consumer<MessageWriter> tail) {
    MessageWriter w = TcRequests.start(Rtm.RTM_NEWTCLASS, 0,
        TcMsg.of(2, 0x00010003, 0x00010001, 0), "htb").beginNested(Rtm.TCA_OPTIONS);
    options.accept(w);
    w.endNested();
    tail.accept(w);
    return parse(w.finish());
  }

  private static TcDumpMessage htbClassWithRates(long rate64, long ceil64) {
    return htbClass(w -> w.u64(HtbClassCodec.TCA_HTB_RATE64, rate64)
        .u64(HtbClassCodec.TCA_HTB_CEIL64, ceil64)
        .attr(HtbClassCodec.TCA_HTB_PARMS, TcHtbOpt.SIZE, PARMS::write), w -> { });
  }

  @Test
  void classRatesUpToAnEighthOfLongMaxAreAccepted() {
    long max = Long.MAX_VALUE / 8;
    ClassInfo c = HtbClassCodec.decode(htbClassWithRates(max, max), BR0);
    assertThat(c.rate()).isEqualTo(Rate.ofBytesPerSecond(max));
    assertThat(c.ceil()).isEqualTo(Rate.ofBytesPerSecond(max));
    assertThat(c.leafQdisc()).isEmpty();
    assertThat(c.stats()).isEqualTo(new ClassStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void classRatesBeyondWhatBitsPerSecondCanHoldAreAProtocolError() {
    long max = Long.MAX_VALUE / 8;
    for (long[] rc : new long[][] {{max + 1, 1}, {1, max + 1}, {-1, 1}, {1, -1}}) {
      assertThatThrownBy(() -> HtbClassCodec.decode(htbClassWithRates(rc[0], rc[1]), BR0))
          .as("rate %s ceil %s", Long.toUnsignedString(rc[0]), Long.toUnsignedString(rc[1]))
          .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("out of range");
    }
  }

  @Test
  void aClassWithoutParmsOrOptionsIsAProtocolError() {
    assertThatThrownBy(() -> HtbClassCodec.decode(htbClass(w -> { }, w -> { }), BR0))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("TCA_HTB_PARMS");
    TcDumpMessage bare = parse(TcRequests.start(Rtm.RTM_NEWTCLASS, 0,
        TcMsg.of(2, 0x00010003, 0x00010001, 0), "htb").finish());
    assertThatThrownBy(() -> HtbClassCodec.decode(bare, BR0))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("1:3 without");
  }

  @Test
  void classStatisticsFromTheLegacyXstatsAttributeAndStats2() {
    ByteBuffer xstats = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
        .putInt(-1).putInt(6).putInt(0).putInt(-7).putInt(8);
    ByteBuffer basic = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
        .putLong(1L << 40).putInt(-1);
    ByteBuffer queue = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
        .putInt(-1).putInt(11).putInt(12).putInt(13).putInt(14);
    TcDumpMessage m = htbClass(w -> w.attr(HtbClassCodec.TCA_HTB_PARMS, TcHtbOpt.SIZE,
        PARMS::write), w -> w.beginNested(Rtm.TCA_STATS2)
            .bytes(Rtm.TCA_STATS_BASIC, basic.array())
            .bytes(Rtm.TCA_STATS_QUEUE, queue.array())
            .endNested()
            .bytes(Rtm.TCA_XSTATS, xstats.array()));
    ClassStats s = HtbClassCodec.decode(m, BR0).stats();
    // u32 counters are unsigned: 0xFFFFFFFF is 4294967295, not -1
    assertThat(s).isEqualTo(new ClassStats(1L << 40, 0xFFFF_FFFFL, 12, 14, 13, 11,
        0xFFFF_FFFFL, 0xFFFF_FFFFL, 6, -7, 8));
  }

  @Test
  void stats2AppTakesPrecedenceOverTheLegacyXstats() {
    ByteBuffer app = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
        .putInt(1).putInt(2).putInt(3).putInt(4).putInt(5);
    ByteBuffer legacy = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
        .putInt(9).putInt(9).putInt(9).putInt(9).putInt(9);
    TcDumpMessage m = htbClass(w -> w.attr(HtbClassCodec.TCA_HTB_PARMS, TcHtbOpt.SIZE,
        PARMS::write), w -> w.beginNested(Rtm.TCA_STATS2)
            .bytes(Rtm.TCA_STATS_APP, app.array()).endNested()
            .bytes(Rtm.TCA_XSTATS, legacy.array()));
    ClassStats s = HtbClassCodec.decode(m, BR0).stats();
    assertThat(s.lends()).isEqualTo(1);
    assertThat(s.borrows()).isEqualTo(2);
    assertThat(s.tokens()).isEqualTo(4);
    assertThat(s.ctokens()).isEqualTo(5);
  }

  @Test
  void pkt64OverridesTheBasicPacketCount() {
    ByteBuffer basic = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
        .putLong(100).putInt(3);
    TcDumpMessage m = parse(TcRequests.start(Rtm.RTM_NEWQDISC, 0,
        TcMsg.of(2, 0x00030000, 0x00010003, 0), "pfifo")
        .attr(Rtm.TCA_OPTIONS, 4, b -> b.putInt(77))
        .beginNested(Rtm.TCA_STATS2).bytes(Rtm.TCA_STATS_BASIC, basic.array())
        .u64(Rtm.TCA_STATS_PKT64, 5_000_000_000L).endNested().finish());
    QdiscInfo q = QdiscCodec.decode(m, BR0);
    assertThat(q.bytes()).isEqualTo(100);
    assertThat(q.packets()).isEqualTo(5_000_000_000L);
    assertThat(q.leafLimit()).hasValue(77);
    assertThat(q.htbDefaultClassMinor()).isEmpty();
  }

  @Test
  void aFifoWithShortOptionsHasNoKnownLimit() {
    for (String kind : new String[] {"pfifo", "bfifo"}) {
      TcDumpMessage m = parse(TcRequests.start(Rtm.RTM_NEWQDISC, 0,
          TcMsg.of(2, 0x00030000, 0x00010003, 0), kind)
          .attr(Rtm.TCA_OPTIONS, 3, b -> b.put(new byte[] {1, 2, 3})).finish());
      assertThat(QdiscCodec.decode(m, BR0).leafLimit()).as(kind).isEmpty();
    }
    TcDumpMessage bfifo = parse(TcRequests.start(Rtm.RTM_NEWQDISC, 0,
        TcMsg.of(2, 0x00030000, 0x00010003, 0), "bfifo")
        .attr(Rtm.TCA_OPTIONS, 4, b -> b.putInt(1500)).finish());
    assertThat(QdiscCodec.decode(bfifo, BR0).leafLimit()).hasValue(1500);
    TcDumpMessage other = parse(TcRequests.start(Rtm.RTM_NEWQDISC, 0,
        TcMsg.of(2, 0x00030000, 0x00010003, 0), "tbf")
        .attr(Rtm.TCA_OPTIONS, 4, b -> b.putInt(1500)).finish());
    assertThat(QdiscCodec.decode(other, BR0).leafLimit()).isEmpty();
  }

  @Test
  void htbQdiscChangeIsTcChangeAndCarriesDirectQlen() {
    HtbQdisc q = new HtbQdisc(BR0, ClassHandle.qdisc(1), ClassHandle.ROOT, 7, 12,
        OptionalInt.of(33));
    byte[] change = HtbQdiscCodec.encodeChange(q, 2);
    NetlinkMessage m = MessageReader.split(ByteBuffer.wrap(change).order(ByteOrder.nativeOrder()))
        .get(0);
    assertThat(m.flags()).as("REQUEST|ACK").isEqualTo(0x005);
    HtbQdiscCodec.Decoded d = HtbQdiscCodec.decode(TcDumpMessage.parse(m).attributes());
    assertThat(d.glob()).isEqualTo(new TcHtbGlob(TcHtbGlob.VERSION, 12, 7, 0, 0));
    assertThat(d.directQueuePackets()).hasValue(33);
    QdiscInfo info = QdiscCodec.decode(TcDumpMessage.parse(m), BR0);
    assertThat(info.htbDefaultClassMinor()).hasValue(7);
    assertThat(info.htbRateToQuantum()).hasValue(12);
    assertThat(info.leafLimit()).isEmpty();
  }

  @Test
  void anHtbQdiscWithoutItsOptionsIsAProtocolError() {
    TcDumpMessage noOptions = parse(TcRequests.start(Rtm.RTM_NEWQDISC, 0,
        TcMsg.of(2, 0x00010000, Rtm.TC_H_ROOT, 0), "htb").finish());
    assertThatThrownBy(() -> QdiscCodec.decode(noOptions, BR0))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("TCA_OPTIONS");
    TcDumpMessage noInit = parse(TcRequests.start(Rtm.RTM_NEWQDISC, 0,
        TcMsg.of(2, 0x00010000, Rtm.TC_H_ROOT, 0), "htb").beginNested(Rtm.TCA_OPTIONS)
        .endNested().finish());
    assertThatThrownBy(() -> QdiscCodec.decode(noInit, BR0))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("TCA_HTB_INIT");
  }

  @Test
  void theLinkLayerIsTheLowNibbleOfItsByte() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
    b.put((byte) 0xFB).put((byte) 0x21).putShort((short) 0xFFFE).putShort((short) -1)
        .putShort((short) 0xFFFD).putInt(-1).flip();
    assertThat(TcRateSpec.read(b)).isEqualTo(new TcRateSpec(0xFB, 1, 0xFFFE, -1, 0xFFFD,
        0xFFFF_FFFFL));
  }

  @Test
  void anExplicitCburstSetsTheCeilBuffer() {
    // tc truncates to whole microseconds first: 15 KiB at 100mbit (12,500,000 B/s) = 1228.8 us
    // -> 1228 us x 15.625 = 19,187.5 -> 19,187 ticks; 1600 B at 10mbit = 1280 us = 20,000 ticks
    io.netfloor.plan.HtbClass c = new io.netfloor.plan.HtbClass(BR0, ClassHandle.of(1, 3),
        ClassHandle.of(1, 1), Rate.parse("10mbit"), Rate.parse("100mbit"),
        java.util.Optional.of(io.netfloor.units.ByteSize.ofBytes(1600)),
        java.util.Optional.of(io.netfloor.units.ByteSize.ofKibibytes(15)), 12_500, 0);
    ClassInfo back = HtbClassCodec.decode(parse(HtbClassCodec.encodeAdd(c, 2,
        io.netfloor.tc.TcTiming.of(io.netfloor.tc.PschedClock.LINUX_DEFAULT,
            io.netfloor.tc.TcTiming.Rounding.TRUNCATE), false, false)), BR0);
    assertThat(back.cbufferTicks()).isEqualTo(19_187);
    assertThat(back.bufferTicks()).isEqualTo(20_000);
  }

  @Test
  void filtersOfOtherKindsAreReportedByKindAndHandleOnly() {
    TcDumpMessage flower = parse(TcRequests.start(Rtm.RTM_NEWTFILTER, 0,
        TcMsg.of(2, 1, 0x00010000, TcMsg.filterInfo(3, 0x0800)), "flower")
        .beginNested(Rtm.TCA_OPTIONS).u32(1, 0x00010003).endNested().finish());
    io.netfloor.spi.FilterInfo f = U32FilterCodec.decode(flower, BR0).orElseThrow();
    assertThat(f.kind()).isEqualTo("flower");
    assertThat(f.prio()).isEqualTo(3);
    assertThat(f.protocol()).isEqualTo(0x0800);
    assertThat(f.handle().toBits()).isEqualTo(1);
    assertThat(f.classId()).as("flower's attribute 1 is not a u32 classid").isEmpty();
    assertThat(f.keys()).isEmpty();
  }

  @Test
  void aSelectorHoldsUpTo128KeysAndAShortOneIsAProtocolError() {
    java.util.List<io.netfloor.plan.U32Key> keys = java.util.Collections.nCopies(128,
        new io.netfloor.plan.U32Key(-1, 1, 0, 0));
    assertThat(io.netfloor.netlink.wire.TcU32Sel.of(0, keys).keys()).hasSize(128);
    ByteBuffer sel = ByteBuffer.allocate(16 + 16).order(ByteOrder.nativeOrder());
    sel.put(0, (byte) 1).put(2, (byte) 3);
    assertThatThrownBy(() -> io.netfloor.netlink.wire.TcU32Sel.read(sel))
        .isInstanceOf(NetlinkProtocolException.class)
        .hasMessageContaining("announces 3 keys but has room for 1");
  }
}
