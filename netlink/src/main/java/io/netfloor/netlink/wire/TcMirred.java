// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct tc_mirred} (28 bytes, {@code TCA_MIRRED_PARMS}).
 *
 * <pre>
 * struct tc_mirred {
 *   __u32 index; __u32 capab; int action; int refcnt; int bindcnt;   // tc_gen
 *   int eaction;     // TCA_EGRESS_REDIR (1), TCA_EGRESS_MIRROR (2), ...
 *   __u32 ifindex;   // target device
 * };
 * </pre>
 */
public record TcMirred(int action, int egressAction, int ifindex) {
  public static final int SIZE = 28;
  /** {@code TCA_EGRESS_REDIR}. */
  public static final int EGRESS_REDIRECT = 1;
  /** {@code TC_ACT_STOLEN}: what tc sets for a redirect. */
  public static final int ACTION_STOLEN = 4;

  public void write(ByteBuffer b) {
    b.putInt(0).putInt(0).putInt(action).putInt(0).putInt(0).putInt(egressAction).putInt(ifindex);
  }

  public static TcMirred read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_mirred");
    int p = v.position();
    return new TcMirred(v.getInt(p + 8), v.getInt(p + 20), v.getInt(p + 24));
  }
}
