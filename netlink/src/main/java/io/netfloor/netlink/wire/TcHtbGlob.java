// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_htb_glob} (20 bytes), HTB's qdisc parameters ({@code TCA_HTB_INIT}).
 *
 * <pre>
 * struct tc_htb_glob {
 *   __u32 version;      // must be 3 (dumps report 0x30011)
 *   __u32 rate2quantum; // r2q: quantum = rate / r2q for classes sent without one
 *   __u32 defcls;       // minor of the default class
 *   __u32 debug;
 *   __u32 direct_pkts;  // output only
 * };
 * </pre>
 */
public record TcHtbGlob(int version, int rateToQuantum, int defaultClassMinor, int debug,
    int directPackets) {
  public static final int SIZE = 20;
  /** The only version the kernel accepts in requests. */
  public static final int VERSION = 3;

  public void write(ByteBuffer b) {
    b.putInt(version).putInt(rateToQuantum).putInt(defaultClassMinor).putInt(debug)
        .putInt(directPackets);
  }

  public static TcHtbGlob read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_htb_glob");
    int p = v.position();
    return new TcHtbGlob(v.getInt(p), v.getInt(p + 4), v.getInt(p + 8), v.getInt(p + 12),
        v.getInt(p + 16));
  }
}
