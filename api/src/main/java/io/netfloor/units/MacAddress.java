// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import io.netfloor.InvalidValueException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A 48-bit Ethernet MAC address of a unicast interface, such as a VM's NIC ({@code 52:54:00:12:34:56}).
 *
 * <p>{@link #parse} accepts six hex octets separated by {@code :} or {@code -} (one or two digits each,
 * any case). It rejects multicast and broadcast addresses (low bit of the first octet set) and the
 * all-zero address: a floor filter keyed on them would steer traffic of many hosts, or none, into one
 * class. {@link #toString()} prints the canonical lower-case, colon-separated form.
 */
public final class MacAddress implements Comparable<MacAddress> {
  private final long bits; // 48 bits, octet 0 in bits 47..40

  private MacAddress(long bits) {
    this.bits = bits;
  }

  /**
   * The common form {@code hh:hh:hh:hh:hh:hh} (17 characters, any case), parsed without a regex or
   * a stream: status files hold thousands of them and are read at every restart. Null for anything
   * else, which {@link #parse} then reads (or rejects) the general way, with the same result.
   */
  private static MacAddress parsePlain(String text) {
    if (text.length() != 17) {
      return null;
    }
    byte[] octets = new byte[6];
    for (int i = 0; i < 6; i++) {
      int at = 3 * i;
      if (i < 5 && text.charAt(at + 2) != ':') {
        return null;
      }
      int hi = Character.digit(text.charAt(at), 16);
      int lo = Character.digit(text.charAt(at + 1), 16);
      if (hi < 0 || lo < 0 || !isAsciiHex(text.charAt(at)) || !isAsciiHex(text.charAt(at + 1))) {
        return null;
      }
      octets[i] = (byte) (hi << 4 | lo);
    }
    return of(octets);
  }

  /**
   * Parses {@code aa:bb:cc:dd:ee:ff} (or with {@code -}).
   *
   * @param text six hex octets of one or two digits, separated by {@code :} or {@code -}, any case
   * @return the address
   * @throws InvalidValueException quoting the input when malformed, multicast/broadcast or all-zero
   */
  public static MacAddress parse(String text) {
    if (text == null) {
      throw new InvalidValueException("MAC address is missing");
    }
    MacAddress plain = parsePlain(text);
    if (plain != null) {
      return plain;
    }
    if (text.length() > 64) {
      // the longest spelling is 17 characters; a huge input is refused before it is split, and
      // not quoted whole
      throw new InvalidValueException("MAC address '" + text.substring(0, 20) + "…' is "
          + text.length() + " characters long; expected six octets, e.g. 52:54:00:12:34:56");
    }
    String[] parts = text.strip().split("[:-]", -1);
    if (parts.length != 6) {
      throw new InvalidValueException("MAC address '" + text
          + "' must have six octets separated by ':', e.g. 52:54:00:12:34:56");
    }
    byte[] octets = new byte[6];
    for (int i = 0; i < 6; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 2 || !p.chars().allMatch(MacAddress::isAsciiHex)) {
        throw new InvalidValueException("MAC address '" + text + "' has a malformed octet '" + p + "'");
      }
      octets[i] = (byte) Integer.parseInt(p, 16);
    }
    return of(octets);
  }

  /**
   * The address with these six octets.
   *
   * @param octets the six octets, in wire order; not kept (copied)
   * @return the address
   * @throws InvalidValueException unless there are six octets of a unicast, non-zero address
   */
  public static MacAddress of(byte[] octets) {
    if (octets.length != 6) {
      throw new InvalidValueException("a MAC address has 6 octets, got " + octets.length);
    }
    long bits = 0;
    for (byte b : octets) {
      bits = (bits << 8) | (b & 0xff);
    }
    MacAddress mac = new MacAddress(bits);
    if ((octets[0] & 1) != 0) {
      throw new InvalidValueException("MAC address '" + mac
          + "' is multicast or broadcast; an interface needs a unicast address");
    }
    if (bits == 0) {
      throw new InvalidValueException("MAC address 00:00:00:00:00:00 is not a valid interface address");
    }
    return mac;
  }

  /**
   * The six octets, in wire order.
   *
   * @return a new array of six octets; changing it does not change the address
   */
  public byte[] octets() {
    byte[] out = new byte[6];
    for (int i = 0; i < 6; i++) {
      out[i] = (byte) (bits >>> (8 * (5 - i)));
    }
    return out;
  }

  /**
   * Octet {@code index} (0–5) as an unsigned value.
   *
   * @param index the octet's position, 0 (first on the wire) to 5
   * @return the octet, 0..255
   * @throws IndexOutOfBoundsException if {@code index} is outside 0..5
   */
  public int octet(int index) {
    if (index < 0 || index > 5) {
      throw new IndexOutOfBoundsException("octet index " + index + " not in 0..5");
    }
    return (int) (bits >>> (8 * (5 - index))) & 0xff;
  }

  /**
   * The 48 bits as a long, octet 0 most significant.
   *
   * @return the address as an unsigned 48-bit number
   */
  public long toLong() {
    return bits;
  }

  @Override
  public int compareTo(MacAddress other) {
    return Long.compare(bits, other.bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacAddress m && m.bits == bits;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bits);
  }

  @Override
  public String toString() {
    String hex = HexFormat.ofDelimiter(":").formatHex(octets());
    return hex.toLowerCase(Locale.ROOT);
  }

  /** ASCII hex only: {@link Character#digit} would also take e.g. fullwidth digits. */
  static boolean isAsciiHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
