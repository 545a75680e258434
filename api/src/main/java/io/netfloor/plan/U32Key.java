// SPDX-License-Identifier: Apache-2.0
package io.netfloor.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * One u32 match key ({@code struct tc_u32_key}): the 32-bit word at {@code offset} from the network
 * header, masked with {@code mask}, must equal {@code value}. {@code mask} and {@code value} are given
 * as the word reads in network order (so {@code 0x00005254} at −16 matches MAC bytes {@code 52:54} in
 * the low half of the word at −16, i.e. at −14..−13).
 *
 * @param mask the bits of the word that are compared, in network order
 * @param value the value the masked word must equal, in network order
 * @param offset the word's offset in bytes from the network header; negative offsets reach into the
 *     Ethernet header
 * @param offsetMask the kernel's {@code offmask} (variable offsets); 0 for the fixed offsets
 *     NetFloor uses
 */
public record U32Key(int mask, int value, int offset, int offsetMask) {

  /**
   * The keys tc builds for a {@link U32MacFilter}, in tc's order: EtherType at −4 (low half) when
   * present, MAC bytes 2–5 at −12, MAC bytes 0–1 at −16 (low half).
   *
   * @param f the MAC filter
   * @return two or three keys, as tc would send them
   */
  public static List<U32Key> forMacFilter(U32MacFilter f) {
    List<U32Key> keys = new ArrayList<>(3);
    if (f.etherType().isPresent()) {
      keys.add(new U32Key(0x0000ffff, f.etherType().getAsInt() & 0xffff, -4, 0));
    }
    int m2345 = (f.mac().octet(2) << 24) | (f.mac().octet(3) << 16) | (f.mac().octet(4) << 8)
        | f.mac().octet(5);
    keys.add(new U32Key(0xffffffff, m2345, -12, 0));
    keys.add(new U32Key(0x0000ffff, (f.mac().octet(0) << 8) | f.mac().octet(1), -16, 0));
    return keys;
  }

  @Override
  public String toString() {
    return String.format("match %08x/%08x at %d", value, mask, offset);
  }
}
