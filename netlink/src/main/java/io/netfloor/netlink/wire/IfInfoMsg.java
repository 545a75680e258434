// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import java.nio.ByteBuffer;

/**
 * {@code struct ifinfomsg} (16 bytes), the fixed header of link messages.
 *
 * <pre>
 * struct ifinfomsg {
 *   unsigned char ifi_family; unsigned char __ifi_pad; unsigned short ifi_type;
 *   int ifi_index; unsigned ifi_flags; unsigned ifi_change;
 * };
 * </pre>
 */
public record IfInfoMsg(int family, int type, int index, int flags, int change) {
  public static final int SIZE = 16;
  /** {@code IFF_UP}. */
  public static final int IFF_UP = 0x1;

  public void write(ByteBuffer b) {
    b.put((byte) family).put((byte) 0).putShort((short) type).putInt(index).putInt(flags)
        .putInt(change);
  }

  public static IfInfoMsg read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "ifinfomsg");
    int p = v.position();
    return new IfInfoMsg(Byte.toUnsignedInt(v.get(p)), Short.toUnsignedInt(v.getShort(p + 2)),
        v.getInt(p + 4), v.getInt(p + 8), v.getInt(p + 12));
  }
}
