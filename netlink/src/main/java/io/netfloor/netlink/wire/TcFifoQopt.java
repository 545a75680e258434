// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_fifo_qopt} (4 bytes): pfifo/bfifo options, sent as a plain (not nested)
 * {@code TCA_OPTIONS}.
 *
 * <pre>
 * struct tc_fifo_qopt { __u32 limit; };  // packets (pfifo) or bytes (bfifo)
 * </pre>
 */
public record TcFifoQopt(long limit) {
  public static final int SIZE = 4;

  public void write(ByteBuffer b) {
    b.putInt((int) limit);
  }

  public static TcFifoQopt read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_fifo_qopt");
    return new TcFifoQopt(Integer.toUnsignedLong(v.getInt(v.position())));
  }
}
