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
    if (f.field() == MacField.SOURCE) {
      return forSourceMac(f);
    }
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

  /**
   * The keys of a {@link MacField#SOURCE} filter: the word at −4 (source MAC bytes 4–5 in its high
   * half, and the EtherType in its low half when the filter has one: one key, as tc merges keys of
   * one word), then source MAC bytes 0–3 at −8. Offsets are whole words, so no key straddles two.
   */
  private static List<U32Key> forSourceMac(U32MacFilter f) {
    int m45 = (f.mac().octet(4) << 24) | (f.mac().octet(5) << 16);
    int m0123 = (f.mac().octet(0) << 24) | (f.mac().octet(1) << 16) | (f.mac().octet(2) << 8)
        | f.mac().octet(3);
    U32Key word = f.etherType().isPresent()
        ? new U32Key(0xffffffff, m45 | (f.etherType().getAsInt() & 0xffff), -4, 0)
        : new U32Key(0xffff0000, m45, -4, 0);
    return List.of(word, new U32Key(0xffffffff, m0123, -8, 0));
  }

  @Override
  public String toString() {
    return String.format("match %08x/%08x at %d", value, mask, offset);
  }
}
