// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_police} (56 bytes, {@code TCA_POLICE_TBF}).
 *
 * <pre>
 * struct tc_police {
 *   __u32 index; int action;            // action: TC_POLICE_SHOT (2) = drop when over the rate
 *   __u32 limit; __u32 burst;            // burst in scheduler ticks
 *   __u32 mtu;                           // bytes
 *   struct tc_ratespec rate; struct tc_ratespec peakrate;
 *   int refcnt; int bindcnt; __u32 capab;
 * };
 * </pre>
 */
public record TcPolice(int index, int action, int limit, long burstTicks, long mtuBytes,
    TcRateSpec rate, TcRateSpec peakRate) {
  public static final int SIZE = 56;
  /** {@code TC_POLICE_SHOT}: drop. */
  public static final int ACTION_SHOT = 2;

  public void write(ByteBuffer b) {
    b.putInt(index).putInt(action).putInt(limit).putInt((int) burstTicks).putInt((int) mtuBytes);
    rate.write(b);
    peakRate.write(b);
    b.putInt(0).putInt(0).putInt(0);
  }

  public static TcPolice read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_police");
    int p = v.position();
    return new TcPolice(v.getInt(p), v.getInt(p + 4), v.getInt(p + 8),
        Integer.toUnsignedLong(v.getInt(p + 12)), Integer.toUnsignedLong(v.getInt(p + 16)),
        TcRateSpec.read(v.duplicate().position(p + 20)),
        TcRateSpec.read(v.duplicate().position(p + 32)));
  }
}
