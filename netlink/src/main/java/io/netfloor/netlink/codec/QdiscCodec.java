// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.spi.QdiscInfo;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.util.OptionalInt;

/**
 * Decodes qdiscs of an {@code RTM_GETQDISC} dump, whatever their kind: the HTB and fifo options
 * through their codecs, the counters from {@code TCA_STATS2}. Note that the kernel ignores
 * {@code tcm_ifindex} in qdisc dumps and returns every device's qdiscs: callers filter.
 */
public final class QdiscCodec {
  private QdiscCodec() {}

  /** A qdisc dump request (a full tcmsg: a short header is refused with EINVAL). */
  public static byte[] encodeDump(int ifindex) {
    return TcRequests.dump(Rtm.RTM_GETQDISC, ifindex, 0, 0);
  }

  /** A class dump request for one device. */
  public static byte[] encodeClassDump(int ifindex) {
    return TcRequests.dump(Rtm.RTM_GETTCLASS, ifindex, 0, 0);
  }

  /** Decodes one qdisc message. */
  public static QdiscInfo decode(TcDumpMessage m, InterfaceName device) {
    OptionalInt defaultMinor = OptionalInt.empty();
    OptionalInt r2q = OptionalInt.empty();
    OptionalInt limit = OptionalInt.empty();
    if (HtbQdiscCodec.KIND.equals(m.kind())) {
      HtbQdiscCodec.Decoded d = HtbQdiscCodec.decode(m.attributes());
      defaultMinor = OptionalInt.of(d.glob().defaultClassMinor());
      r2q = OptionalInt.of(d.glob().rateToQuantum());
    } else if ("pfifo".equals(m.kind()) || "bfifo".equals(m.kind())) {
      limit = LeafQdiscCodec.decodeFifoLimit(m);
    }
    StatsCodec.Counters c = StatsCodec.counters(m.attributes());
    return new QdiscInfo(device, ClassHandle.fromBits(m.tcm().handle()),
        ClassHandle.fromBits(m.tcm().parent()), m.kind(), defaultMinor, r2q, limit, c.bytes(),
        c.packets(), c.queue().drops());
  }
}
