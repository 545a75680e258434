// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import io.netfloor.netlink.NetlinkProtocolException;
import io.netfloor.netlink.codec.HtbClassCodec;
import io.netfloor.netlink.codec.LinkCodec;
import io.netfloor.netlink.codec.QdiscCodec;
import io.netfloor.netlink.codec.Rtm;
import io.netfloor.netlink.codec.TcDumpMessage;
import io.netfloor.netlink.codec.U32FilterCodec;
import io.netfloor.netlink.testing.Golden;
import io.netfloor.units.InterfaceName;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and mutated replies into every parser: the only exception allowed is
 * {@link NetlinkProtocolException}; never an IndexOutOfBounds, BufferUnderflow, arithmetic or
 * value-type exception, never a hang (the parsers only move forward).
 */
class ReplyFuzzTest {
  private static final InterfaceName BR0 = InterfaceName.of("br0");
  private static final List<byte[]> SEEDS = Stream.of("02-class-1-1", "12-dump-qdisc",
      "13-dump-class", "14-dump-filter", "18-filter-dump-prio5", "e1-qdisc-exists",
      "e3-class-exists", "e6-class-del-busy", "x1-handbuilt-requests")
      .flatMap(c -> Golden.replies(c).stream()).toList();

  /** Parses a datagram the way the backend does; returns how many objects came out. */
  static int parseAll(byte[] datagram) {
    int n = 0;
    for (NetlinkMessage m : MessageReader.split(ByteBuffer.wrap(datagram)
        .order(ByteOrder.nativeOrder()))) {
      switch (m.type()) {
        case NetlinkMessage.NLMSG_ERROR, NetlinkMessage.NLMSG_DONE -> {
          if (m.payload().remaining() >= 4 || m.type() == NetlinkMessage.NLMSG_ERROR) {
            MessageReader.readError(m);
          }
        }
        case Rtm.RTM_NEWQDISC -> QdiscCodec.decode(TcDumpMessage.parse(m), BR0);
        case Rtm.RTM_NEWTCLASS -> HtbClassCodec.decode(TcDumpMessage.parse(m), BR0);
        case Rtm.RTM_NEWTFILTER -> U32FilterCodec.decode(TcDumpMessage.parse(m), BR0);
        case Rtm.RTM_NEWLINK -> LinkCodec.decodeIndex(new Ack(0, 0, null, -1, List.of(m)));
        default -> { }
      }
      n++;
    }
    return n;
  }

  private static void mustOnlyThrowProtocolException(byte[] datagram) {
    try {
      parseAll(datagram);
    } catch (NetlinkProtocolException expected) {
      // the one typed failure allowed
    }
  }

  @Property(tries = 2000)
  void randomBytes(@ForAll("datagrams") byte[] datagram) {
    mustOnlyThrowProtocolException(datagram);
  }

  @Property(tries = 3000)
  void mutatedCapturedReplies(@ForAll("mutations") byte[] datagram) {
    mustOnlyThrowProtocolException(datagram);
  }

  @Provide
  Arbitrary<byte[]> datagrams() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
    // random bodies behind a plausible header, so the parsers behind split() get exercised too
    Arbitrary<byte[]> framed = Combinators.combine(
        Arbitraries.of(2, 3, 16, 36, 40, 44), Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
        .as((type, body) -> {
          ByteBuffer b = ByteBuffer.allocate(16 + body.length).order(ByteOrder.nativeOrder());
          b.putInt(16 + body.length).putShort(type.shortValue()).putShort((short) 0x2).putInt(1)
              .putInt(0).put(body);
          return b.array();
        });
    return Arbitraries.oneOf(raw, framed);
  }

  @Provide
  Arbitrary<byte[]> mutations() {
    return Combinators.combine(Arbitraries.of(SEEDS),
        Arbitraries.integers().between(0, 1_000_000).list().ofMinSize(1).ofMaxSize(6),
        Arbitraries.bytes().list().ofMinSize(6).ofMaxSize(6),
        Arbitraries.integers().between(0, 3))
        .as((seed, positions, values, mode) -> {
          byte[] out = seed.clone();
          List<Integer> ps = new ArrayList<>(positions);
          for (int i = 0; i < ps.size(); i++) {
            int p = ps.get(i) % out.length;
            out[p] = values.get(i);
          }
          if (mode == 1) {
            return java.util.Arrays.copyOf(out, ps.get(0) % out.length); // truncated
          } else if (mode == 2) {
            // a length field made huge or tiny
            int p = (ps.get(0) % Math.max(1, out.length / 4)) * 4;
            out[p] = (byte) 0xff;
            if (p + 1 < out.length) {
              out[p + 1] = values.get(0);
            }
          }
          return out;
        });
  }
}
