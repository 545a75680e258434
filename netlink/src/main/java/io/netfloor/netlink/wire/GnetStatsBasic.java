// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct gnet_stats_basic} ({@code TCA_STATS_BASIC}): 12 bytes of data, 16 with the tail
 * padding x86_64 adds, so readers accept 12.
 *
 * <pre>
 * struct gnet_stats_basic { __u64 bytes; __u32 packets; };
 * </pre>
 */
public record GnetStatsBasic(long bytes, long packets) {
  public static final int SIZE = 12;

  public static GnetStatsBasic read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "gnet_stats_basic");
    int p = v.position();
    return new GnetStatsBasic(v.getLong(p), Integer.toUnsignedLong(v.getInt(p + 8)));
  }
}
