// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_ratespec} (12 bytes). The rate is in <em>bytes</em> per second, 32-bit: faster
 * rates carry {@code 0xFFFFFFFF} here and the real value in a 64-bit attribute.
 *
 * <pre>
 * struct tc_ratespec {
 *   unsigned char cell_log; __u8 linklayer;   // low 4 bits: 0 unaware, 1 ethernet, 2 atm
 *   unsigned short overhead; short cell_align; unsigned short mpu; __u32 rate;
 * };
 * </pre>
 */
public record TcRateSpec(int cellLog, int linkLayer, int overhead, int cellAlign, int mpu,
    long rateBytesPerSecond) {
  public static final int SIZE = 12;
  public static final int LINKLAYER_ETHERNET = 1;

  /** What tc sends for an Ethernet rate with the given cell_log: cell_align −1, no overhead/mpu. */
  public static TcRateSpec ethernet(int cellLog, long rate32BytesPerSecond) {
    return new TcRateSpec(cellLog, LINKLAYER_ETHERNET, 0, -1, 0, rate32BytesPerSecond);
  }

  public void write(ByteBuffer b) {
    b.put((byte) cellLog).put((byte) linkLayer).putShort((short) overhead)
        .putShort((short) cellAlign).putShort((short) mpu).putInt((int) rateBytesPerSecond);
  }

  public static TcRateSpec read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_ratespec");
    int p = v.position();
    return new TcRateSpec(Byte.toUnsignedInt(v.get(p)), Byte.toUnsignedInt(v.get(p + 1)) & 0x0f,
        Short.toUnsignedInt(v.getShort(p + 2)), v.getShort(p + 4),
        Short.toUnsignedInt(v.getShort(p + 6)), Integer.toUnsignedLong(v.getInt(p + 8)));
  }
}
