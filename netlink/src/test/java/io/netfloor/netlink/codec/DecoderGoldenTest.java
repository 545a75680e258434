// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netfloor.netlink.channel.Ack;
import io.netfloor.netlink.channel.MessageReader;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.testing.Golden;
import io.netfloor.plan.EtherType;
import io.netfloor.plan.U32Handle;
import io.netfloor.plan.U32Key;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import io.netfloor.units.Rate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The decoders read the replies tc received on this kernel (golden/*.hex) to the right values. */
class DecoderGoldenTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");

  static List<NetlinkMessage> messages(String capture) {
    List<NetlinkMessage> out = new ArrayList<>();
    for (byte[] datagram : Golden.replies(capture)) {
      out.addAll(MessageReader.split(ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder())));
    }
    return out;
  }

  @Test
  void qdiscDump12() {
    List<QdiscInfo> q = messages("12-dump-qdisc").stream().filter(m -> m.type() == Rtm.RTM_NEWQDISC)
        .map(m -> QdiscCodec.decode(TcDumpMessage.parse(m), BR0)).toList();
    assertThat(q).hasSize(2);
    assertThat(q.get(0).kind()).isEqualTo("htb");
    assertThat(q.get(0).handle()).isEqualTo(ClassHandle.qdisc(1));
    assertThat(q.get(0).parent()).isEqualTo(ClassHandle.ROOT);
    assertThat(q.get(0).htbDefaultClassMinor()).hasValue(2);
    assertThat(q.get(0).htbRateToQuantum()).hasValue(10);
    assertThat(q.get(1).kind()).isEqualTo("pfifo");
    assertThat(q.get(1).parent()).isEqualTo(ClassHandle.of(1, 3));
    assertThat(q.get(1).leafLimit()).hasValue(1000);
    assertThat(messages("12-dump-qdisc").get(2).type()).isEqualTo(NetlinkMessage.NLMSG_DONE);
  }

  @Test
  void classDump13WithStatistics() {
    List<ClassInfo> c = messages("13-dump-class").stream()
        .filter(m -> m.type() == Rtm.RTM_NEWTCLASS)
        .map(m -> HtbClassCodec.decode(TcDumpMessage.parse(m), BR0)).toList();
    assertThat(c).extracting(ClassInfo::classId).containsExactly(ClassHandle.of(1, 1),
        ClassHandle.of(1, 2), ClassHandle.of(1, 3), ClassHandle.of(1, 0x50));
    ClassInfo top = c.get(0);
    assertThat(top.parent()).isEqualTo(ClassHandle.qdisc(1));
    assertThat(top.level()).isEqualTo(7);
    assertThat(top.rate()).isEqualTo(Rate.parse("100mbit"));
    ClassInfo c3 = c.get(2);
    assertThat(c3.parent()).isEqualTo(ClassHandle.of(1, 1));
    assertThat(c3.ceil()).isEqualTo(Rate.parse("100mbit"));
    assertThat(c3.bufferTicks()).isEqualTo(192_000);
    assertThat(c3.cbufferTicks()).isEqualTo(2000);
    assertThat(c3.quantumBytes()).isEqualTo(125_000);
    assertThat(c3.leafQdisc()).contains(ClassHandle.qdisc(3));
    assertThat(c3.stats().tokens()).isEqualTo(192_000);
    assertThat(c3.stats().ctokens()).isEqualTo(2000);
    // 50gbit comes back through TCA_HTB_RATE64/CEIL64; tc 6.1 had sent a zero burst
    assertThat(c.get(3).rate()).isEqualTo(Rate.parse("50gbit"));
    assertThat(c.get(3).bufferTicks()).isZero();
  }

  @Test
  void filterDump14SkipsHeadersAndReadsEveryNodeKind() {
    List<FilterInfo> f = new ArrayList<>();
    int headers = 0;
    for (NetlinkMessage m : messages("14-dump-filter")) {
      if (m.type() == Rtm.RTM_NEWTFILTER) {
        Optional<FilterInfo> d = U32FilterCodec.decode(TcDumpMessage.parse(m), BR0);
        if (d.isEmpty()) {
          headers++;
        }
        d.ifPresent(f::add);
      }
    }
    assertThat(headers).isEqualTo(3);
    FilterInfo libvirt = f.stream().filter(x -> x.handle().equals(U32Handle.of(0x800, 0, 0x803)))
        .findFirst().orElseThrow();
    assertThat(libvirt.prio()).isEqualTo(2);
    assertThat(libvirt.protocol()).isEqualTo(EtherType.IPV4);
    assertThat(libvirt.classId()).contains(ClassHandle.of(1, 3));
    assertThat(libvirt.selectorFlags()).isEqualTo(1);
    assertThat(libvirt.keys()).containsExactly(new U32Key(0xffff, 0x800, -4, 0),
        new U32Key(0xffffffff, 0x00123456, -12, 0), new U32Key(0xffff, 0x5254, -16, 0));
    FilterInfo table = f.stream().filter(x -> x.handle().equals(U32Handle.table(0x10)))
        .findFirst().orElseThrow();
    assertThat(table.divisor()).hasValue(256);
    assertThat(table.isHashTable()).isTrue();
    FilterInfo link = f.stream().filter(x -> x.linkHtid().isPresent()).findFirst().orElseThrow();
    assertThat(link.linkHtid()).isEqualTo(OptionalInt.of(0x10));
    assertThat(link.hashOffset()).isEqualTo(-12);
    assertThat(link.hashMask()).isEqualTo(0xff);
    assertThat(link.protocol()).isEqualTo(EtherType.ALL);
    FilterInfo bucket = f.stream().filter(x -> x.handle().equals(U32Handle.of(0x10, 0x56, 1)))
        .findFirst().orElseThrow();
    assertThat(bucket.classId()).contains(ClassHandle.of(1, 3));
  }

  @Test
  void errorsWarningsAndPolicyOffsets() {
    Ack exists = MessageReader.readError(messages("e1-qdisc-exists").get(0));
    assertThat(exists.errno()).isEqualTo(17);
    assertThat(exists.kernelMessage()).isEqualTo("Exclusivity flag on, cannot modify");
    Ack busy = MessageReader.readError(messages("e6-class-del-busy").get(0));
    assertThat(busy.errno()).isEqualTo(16);
    assertThat(busy.kernelMessage()).isEqualTo("HTB class in use");
    Ack warning = MessageReader.readError(messages("02-class-1-1").get(0));
    assertThat(warning.isSuccess()).isTrue();
    assertThat(warning.kernelMessage())
        .isEqualTo("sch_htb: quantum of class 10001 is big. Consider r2q change.");
    Ack plain = MessageReader.readError(messages("01-qdisc-htb-root").get(0));
    assertThat(plain.isSuccess()).isTrue();
    assertThat(plain.kernelMessage()).isNull();
    // x1: a 4-byte RATE64 fails policy validation; OFFS points at it (byte 48 of the request)
    Ack policy = Golden.load("x1-handbuilt-requests").stream().filter(l -> !l.request())
        .flatMap(l -> MessageReader.split(ByteBuffer.wrap(l.bytes()).order(ByteOrder.nativeOrder()))
            .stream())
        .filter(m -> m.type() == NetlinkMessage.NLMSG_ERROR)
        .map(MessageReader::readError).filter(a -> a.errno() == 34).findFirst().orElseThrow();
    assertThat(policy.kernelMessage()).isEqualTo("Attribute failed policy validation");
    assertThat(policy.offendingAttributeOffset()).isEqualTo(48);
  }
}
