// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.codec;

import io.netfloor.netlink.channel.Attributes;
import io.netfloor.netlink.wire.GnetStatsBasic;
import io.netfloor.netlink.wire.GnetStatsQueue;
import io.netfloor.netlink.wire.TcHtbXstats;
import io.netfloor.spi.ClassStats;
import java.util.Optional;

/**
 * Decodes {@code TCA_STATS2} (basic, queue and the kind's application stats). Encoding is the
 * kernel's business: statistics are output only.
 */
public final class StatsCodec {
  /** Counters common to qdiscs and classes. */
  public record Counters(long bytes, long packets, GnetStatsQueue queue) {
    static final Counters ZERO = new Counters(0, 0, new GnetStatsQueue(0, 0, 0, 0, 0));
  }

  private StatsCodec() {}

  /** Bytes, packets and queue counters of a qdisc or class; zeros when the kernel sent none. */
  public static Counters counters(Attributes top) {
    Optional<Attributes> stats2 = top.nested(Rtm.TCA_STATS2);
    if (stats2.isEmpty()) {
      return Counters.ZERO;
    }
    Attributes s = stats2.get();
    GnetStatsBasic basic = s.get(Rtm.TCA_STATS_BASIC).map(GnetStatsBasic::read)
        .orElse(new GnetStatsBasic(0, 0));
    long packets = s.optU64(Rtm.TCA_STATS_PKT64).orElse(basic.packets());
    GnetStatsQueue queue = s.get(Rtm.TCA_STATS_QUEUE).map(GnetStatsQueue::read)
        .orElse(Counters.ZERO.queue());
    return new Counters(basic.bytes(), packets, queue);
  }

  /** HTB class statistics: the counters plus {@code tc_htb_xstats} (zeros when absent). */
  public static ClassStats htbClassStats(Attributes top) {
    Counters c = counters(top);
    TcHtbXstats x = top.nested(Rtm.TCA_STATS2).flatMap(s -> s.get(Rtm.TCA_STATS_APP))
        .or(() -> top.get(Rtm.TCA_XSTATS))
        .map(TcHtbXstats::read)
        .orElse(new TcHtbXstats(0, 0, 0, 0, 0));
    return new ClassStats(c.bytes(), c.packets(), c.queue().drops(), c.queue().overlimits(),
        c.queue().requeues(), c.queue().backlogBytes(), c.queue().queuePackets(), x.lends(),
        x.borrows(), x.tokens(), x.ctokens());
  }
}
