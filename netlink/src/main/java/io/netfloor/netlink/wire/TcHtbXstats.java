// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_htb_xstats} (20 bytes), HTB's per-class application statistics
 * ({@code TCA_STATS_APP}).
 *
 * <pre>
 * struct tc_htb_xstats {
 *   __u32 lends; __u32 borrows; __u32 giants;  // giants: unused
 *   __s32 tokens; __s32 ctokens;               // in scheduler ticks
 * };
 * </pre>
 */
public record TcHtbXstats(long lends, long borrows, long giants, int tokens, int ctokens) {
  public static final int SIZE = 20;

  public static TcHtbXstats read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_htb_xstats");
    int p = v.position();
    return new TcHtbXstats(Integer.toUnsignedLong(v.getInt(p)),
        Integer.toUnsignedLong(v.getInt(p + 4)), Integer.toUnsignedLong(v.getInt(p + 8)),
        v.getInt(p + 12), v.getInt(p + 16));
  }
}
