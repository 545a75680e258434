// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.channel.MessageReader;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.wire.TcMirred;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.netlink.wire.TcPolice;
import io.netfloor.netlink.wire.TcRateSpec;
import io.netfloor.netlink.wire.TcSfqQopt;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.IngressQdisc;
import io.netfloor.plan.LeafQdisc;
import io.netfloor.plan.LeafQdiscKind;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Key;
import io.netfloor.plan.U32MatchAllPolice;
import io.netfloor.plan.U32MatchAllRedirect;
import io.netfloor.spi.FilterInfo;
import io.netfloor.tc.PschedClock;
import io.netfloor.tc.TcTiming;
import io.netfloor.units.ByteSize;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The requests for which no tc capture exists (libvirt's ingress police and the ifb redirect,
 * sfq and ingress qdiscs, probes), read back field by field. Expected values are worked out from
 * tc's arithmetic by hand: psched ticks are 15.625 per microsecond (64 per 4.096 µs, the
 * {@code /proc/net/psched} of every current kernel).
 */
class ActionEncodingTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final TcTiming TC61 = TcTiming.of(PschedClock.LINUX_DEFAULT,
      TcTiming.Rounding.TRUNCATE);

  private static NetlinkMessage only(byte[] request) {
    List<NetlinkMessage> ms = MessageReader.split(ByteBuffer.wrap(request)
        .order(ByteOrder.nativeOrder()));
    assertThat(ms).hasSize(1);
    return ms.get(0);
  }

  @Test
  void policeIsLibvirtsMatchAllDropAboveTheRate() {
    // tc filter add dev br0 parent ffff: protocol all prio 1 handle 800::800 u32 match u32 0 0
    //   police rate 1000kbps burst 64kb mtu 64kb drop flowid :1
    U32MatchAllPolice p = new U32MatchAllPolice(BR0, 1, U32Handle.of(0x800, 0, 0x800),
        Rate.parse("1000kbps"), ByteSize.ofKibibytes(64), ByteSize.ofKibibytes(64));
    NetlinkMessage m = only(U32FilterCodec.encodeAdd(p, 2, TC61));
    assertThat(m.type()).isEqualTo(Rtm.RTM_NEWTFILTER);
    assertThat(m.flags()).isEqualTo(0x605);
    TcDumpMessage t = TcDumpMessage.parse(m);
    assertThat(t.tcm().parent()).isEqualTo(IngressQdisc.HANDLE.toBits());
    assertThat(t.tcm().filterPrio()).isEqualTo(1);
    assertThat(t.tcm().filterProtocol()).isEqualTo(EtherType.ALL);

    FilterInfo f = U32FilterCodec.decode(t, BR0).orElseThrow();
    assertThat(f.actions()).containsExactly("police");
    assertThat(f.classId()).contains(ClassHandle.fromBits(1));
    assertThat(f.keys()).containsExactly(new U32Key(0, 0, 0, 0));
    assertThat(f.selectorFlags()).as("TC_U32_TERMINAL").isEqualTo(1);

    Attributes police = t.attributes().nested(Rtm.TCA_OPTIONS).orElseThrow()
        .nested(U32FilterCodec.TCA_U32_POLICE).orElseThrow();
    assertThat(police.has(U32FilterCodec.TCA_POLICE_RATE64)).isFalse();
    TcPolice tbf = TcPolice.read(police.get(U32FilterCodec.TCA_POLICE_TBF).orElseThrow());
    assertThat(tbf.action()).isEqualTo(TcPolice.ACTION_SHOT);
    assertThat(tbf.mtuBytes()).isEqualTo(65_536);
    // 65536 bytes at 1,000,000 B/s = 65,536 µs = 1,024,000 ticks
    assertThat(tbf.burstTicks()).isEqualTo(1_024_000);
    // mtu 65536 >> 9 = 128 <= 255: cell_log 9
    assertThat(tbf.rate()).isEqualTo(new TcRateSpec(9, 1, 0, -1, 0, 1_000_000));
    assertThat(tbf.peakRate()).isEqualTo(new TcRateSpec(0, 0, 0, 0, 0, 0));
    ByteBuffer rtab = police.get(U32FilterCodec.TCA_POLICE_RATE).orElseThrow();
    assertThat(rtab.remaining()).isEqualTo(1024);
    // cell i is (i + 1) * 512 bytes: 512 µs = 8000 ticks per cell
    assertThat(rtab.getInt(0)).isEqualTo(8000);
    assertThat(rtab.getInt(4 * 255)).isEqualTo(256 * 8000);
  }

  @Test
  void policeAbove32BitRatesCarriesRate64() {
    U32MatchAllPolice p = new U32MatchAllPolice(BR0, 1, U32Handle.of(0x800, 0, 0x800),
        Rate.parse("40gbit"), ByteSize.ofKibibytes(64), ByteSize.ofKibibytes(64));
    Attributes police = TcDumpMessage.parse(only(U32FilterCodec.encodeAdd(p, 2, TC61)))
        .attributes().nested(Rtm.TCA_OPTIONS).orElseThrow()
        .nested(U32FilterCodec.TCA_U32_POLICE).orElseThrow();
    assertThat(police.optU64(U32FilterCodec.TCA_POLICE_RATE64)).hasValue(5_000_000_000L);
    TcPolice tbf = TcPolice.read(police.get(U32FilterCodec.TCA_POLICE_TBF).orElseThrow());
    assertThat(tbf.rate().rateBytesPerSecond()).isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void redirectIsAMirredStolenEgressRedirectToTheTarget() {
    U32MatchAllRedirect r = new U32MatchAllRedirect(BR0, 1, U32Handle.of(0x801, 0, 0x800),
        InterfaceName.of("nf-ifb0"));
    TcDumpMessage t = TcDumpMessage.parse(only(U32FilterCodec.encodeAdd(r, 2, 7)));
    assertThat(t.tcm().ifindex()).isEqualTo(2);
    assertThat(t.tcm().handle()).isEqualTo(U32Handle.of(0x801, 0, 0x800).toBits());
    FilterInfo f = U32FilterCodec.decode(t, BR0).orElseThrow();
    assertThat(f.actions()).containsExactly("mirred");
    assertThat(f.classId()).isEmpty();
    assertThat(f.selectorFlags()).isEqualTo(1);
    Attributes act = Attributes.parse(t.attributes().nested(Rtm.TCA_OPTIONS).orElseThrow()
        .nested(U32FilterCodec.TCA_U32_ACT).orElseThrow().get(1).orElseThrow());
    TcMirred mirred = TcMirred.read(act.nested(U32FilterCodec.TCA_ACT_OPTIONS).orElseThrow()
        .get(U32FilterCodec.TCA_MIRRED_PARMS).orElseThrow());
    assertThat(mirred).isEqualTo(new TcMirred(4, 1, 7));
  }

  @Test
  void sfqLeafAsksOnlyForLibvirtsPerturbation() {
    LeafQdisc q = new LeafQdisc(BR0, ClassHandle.qdisc(5), ClassHandle.of(1, 5),
        LeafQdiscKind.SFQ, 127);
    TcDumpMessage t = TcDumpMessage.parse(only(LeafQdiscCodec.encodeAdd(q, 2)));
    assertThat(t.kind()).isEqualTo("sfq");
    assertThat(TcSfqQopt.read(t.attributes().get(Rtm.TCA_OPTIONS).orElseThrow()))
        .isEqualTo(new TcSfqQopt(0, 10, 0, 0, 0));
  }

  @Test
  void fqCodelLeafHasNoOptions() {
    LeafQdisc q = new LeafQdisc(BR0, ClassHandle.qdisc(5), ClassHandle.of(1, 5),
        LeafQdiscKind.FQ_CODEL, 127);
    TcDumpMessage t = TcDumpMessage.parse(only(LeafQdiscCodec.encodeAdd(q, 2)));
    assertThat(t.kind()).isEqualTo("fq_codel");
    assertThat(t.attributes().has(Rtm.TCA_OPTIONS)).isFalse();
  }

  @Test
  void ingressQdiscAndProbesAndDeletes() {
    NetlinkMessage ingress = only(LeafQdiscCodec.encodeIngressAdd(4));
    assertThat(ingress.flags()).isEqualTo(0x605);
    TcDumpMessage i = TcDumpMessage.parse(ingress);
    assertThat(i.kind()).isEqualTo("ingress");
    assertThat(i.tcm()).isEqualTo(TcMsg.of(4, 0xFFFF0000, 0xFFFFFFF1, 0));

    TcDumpMessage probe = TcDumpMessage.parse(only(LeafQdiscCodec.encodeProbe("sfq",
        ClassHandle.of(1, 9), ClassHandle.qdisc(9), 4)));
    assertThat(probe.type()).isEqualTo(Rtm.RTM_NEWQDISC);
    assertThat(probe.kind()).isEqualTo("sfq");
    assertThat(probe.tcm()).isEqualTo(TcMsg.of(4, 0x00090000, 0x00010009, 0));
    assertThat(probe.attributes().has(Rtm.TCA_OPTIONS)).isFalse();

    NetlinkMessage del = only(LeafQdiscCodec.encodeDelete(ClassHandle.of(1, 9),
        ClassHandle.qdisc(9), 4));
    assertThat(del.type()).isEqualTo(Rtm.RTM_DELQDISC);
    assertThat(del.flags()).isEqualTo(0x005);
    assertThat(TcDumpMessage.parse(del).tcm()).isEqualTo(TcMsg.of(4, 0x00090000, 0x00010009, 0));
  }
}
