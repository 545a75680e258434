// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.wire;

import io.netfloor.netlink.NetlinkProtocolException;
import io.netfloor.plan.U32Key;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct tc_u32_sel} (16 bytes) followed by {@code nkeys} × {@code struct tc_u32_key} (16
 * bytes each), the selector of a u32 node ({@code TCA_U32_SEL}). Fields marked BE are in network
 * byte order on the wire; this record holds them in host terms.
 *
 * <pre>
 * struct tc_u32_sel {
 *   unsigned char flags; unsigned char offshift; unsigned char nkeys;
 *   __be16 offmask; __u16 off; short offoff;
 *   short hoff; __be32 hmask;                   // hashing: word at hoff, masked, picks the bucket
 *   struct tc_u32_key keys[];
 * };
 * struct tc_u32_key { __be32 mask; __be32 val; int off; int offmask; };
 * </pre>
 *
 * (The C struct has one pad byte after {@code nkeys}, so {@code offmask} sits at offset 4.)
 */
public record TcU32Sel(int flags, int offshift, int offmask, int off, int offoff, int hashOffset,
    int hashMask, List<U32Key> keys) {
  public static final int SIZE = 16;
  public static final int KEY_SIZE = 16;
  /** {@code TC_U32_TERMINAL}: a match classifies (tc sets it with a flowid or an action). */
  public static final int TERMINAL = 1;
  /** The kernel's limit on keys per node. */
  public static final int MAX_KEYS = 128;

  public TcU32Sel {
    keys = List.copyOf(keys);
    if (keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException("a u32 selector holds at most 128 keys, got " + keys.size());
    }
  }

  /** A selector with {@code flags} and {@code keys}, no hashing, no offsets. */
  public static TcU32Sel of(int flags, List<U32Key> keys) {
    return new TcU32Sel(flags, 0, 0, 0, 0, 0, 0, keys);
  }

  public int sizeBytes() {
    return SIZE + KEY_SIZE * keys.size();
  }

  public void write(ByteBuffer b) {
    b.put((byte) flags).put((byte) offshift).put((byte) keys.size()).put((byte) 0);
    b.order(ByteOrder.BIG_ENDIAN).putShort((short) offmask).order(ByteOrder.nativeOrder());
    b.putShort((short) off).putShort((short) offoff).putShort((short) hashOffset);
    b.order(ByteOrder.BIG_ENDIAN).putInt(hashMask).order(ByteOrder.nativeOrder());
    for (U32Key k : keys) {
      b.order(ByteOrder.BIG_ENDIAN).putInt(k.mask()).putInt(k.value()).order(ByteOrder.nativeOrder());
      b.putInt(k.offset()).putInt(k.offsetMask());
    }
  }

  /**
   * Reads a selector and its keys at {@code b}'s position.
   *
   * @throws NetlinkProtocolException if {@code nkeys} keys do not fit
   */
  public static TcU32Sel read(ByteBuffer b) {
    ByteBuffer v = Wire.need(b, SIZE, "tc_u32_sel");
    int p = v.position();
    int nkeys = Byte.toUnsignedInt(v.get(p + 2));
    if (v.remaining() < SIZE + (long) KEY_SIZE * nkeys) {
      throw new NetlinkProtocolException("tc_u32_sel announces " + nkeys + " keys but has room for "
          + (v.remaining() - SIZE) / KEY_SIZE);
    }
    List<U32Key> keys = new ArrayList<>(nkeys);
    for (int i = 0; i < nkeys; i++) {
      int k = p + SIZE + i * KEY_SIZE;
      keys.add(new U32Key(Integer.reverseBytes(v.getInt(k)), Integer.reverseBytes(v.getInt(k + 4)),
          v.getInt(k + 8), v.getInt(k + 12)));
    }
    return new TcU32Sel(Byte.toUnsignedInt(v.get(p)), Byte.toUnsignedInt(v.get(p + 1)),
        Short.toUnsignedInt(Short.reverseBytes(v.getShort(p + 4))),
        Short.toUnsignedInt(v.getShort(p + 6)), v.getShort(p + 8), v.getShort(p + 10),
        Integer.reverseBytes(v.getInt(p + 12)), keys);
  }
}
