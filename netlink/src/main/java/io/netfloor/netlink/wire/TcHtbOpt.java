// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_htb_opt} (44 bytes; the attribute is 48), an HTB class's parameters ({@code TCA_HTB_PARMS}).
 *
 * <pre>
 * struct tc_htb_opt {
 *   struct tc_ratespec rate; struct tc_ratespec ceil;
 *   __u32 buffer; __u32 cbuffer;   // bursts, in scheduler ticks
 *   __u32 quantum; __u32 level;    // level: output only
 *   __u32 prio;
 * };
 * </pre>
 */
public record TcHtbOpt(TcRateSpec rate, TcRateSpec ceil, long bufferTicks, long cbufferTicks,
    long quantumBytes, int level, int prio) {
  public static final int SIZE = 44;

  public void write(ByteBuffer b) {
    rate.write(b);
    ceil.write(b);
    b.putInt((int) bufferTicks).putInt((int) cbufferTicks).putInt((int) quantumBytes).putInt(level)
        .putInt(prio);
  }

  public static TcHtbOpt read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_htb_opt");
    int p = v.position();
    TcRateSpec rate = TcRateSpec.read(v);
    TcRateSpec ceil = TcRateSpec.read(v.duplicate().position(p + 12));
    return new TcHtbOpt(rate, ceil, Integer.toUnsignedLong(v.getInt(p + 24)),
        Integer.toUnsignedLong(v.getInt(p + 28)), Integer.toUnsignedLong(v.getInt(p + 32)),
        v.getInt(p + 36), v.getInt(p + 40));
  }
}
