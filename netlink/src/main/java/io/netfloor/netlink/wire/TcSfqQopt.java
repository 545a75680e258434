// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_sfq_qopt} (20 bytes), sfq's original option struct; the kernel keeps its default
 * for every field left 0.
 *
 * <pre>
 * struct tc_sfq_qopt {
 *   unsigned quantum; int perturb_period; __u32 limit; unsigned divisor; unsigned flows;
 * };
 * </pre>
 */
public record TcSfqQopt(int quantumBytes, int perturbSeconds, int limitPackets, int divisor,
    int flows) {
  public static final int SIZE = 20;

  public void write(ByteBuffer b) {
    b.putInt(quantumBytes).putInt(perturbSeconds).putInt(limitPackets).putInt(divisor).putInt(flows);
  }

  public static TcSfqQopt read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_sfq_qopt");
    int p = v.position();
    return new TcSfqQopt(v.getInt(p), v.getInt(p + 4), v.getInt(p + 8), v.getInt(p + 12),
        v.getInt(p + 16));
  }
}
