// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct gnet_stats_queue} (20 bytes, {@code TCA_STATS_QUEUE}).
 *
 * <pre>
 * struct gnet_stats_queue { __u32 qlen; __u32 backlog; __u32 drops; __u32 requeues; __u32 overlimits; };
 * </pre>
 */
public record GnetStatsQueue(long queuePackets, long backlogBytes, long drops, long requeues,
    long overlimits) {
  public static final int SIZE = 20;

  public static GnetStatsQueue read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "gnet_stats_queue");
    int p = v.position();
    return new GnetStatsQueue(Integer.toUnsignedLong(v.getInt(p)),
        Integer.toUnsignedLong(v.getInt(p + 4)), Integer.toUnsignedLong(v.getInt(p + 8)),
        Integer.toUnsignedLong(v.getInt(p + 12)), Integer.toUnsignedLong(v.getInt(p + 16)));
  }
}
