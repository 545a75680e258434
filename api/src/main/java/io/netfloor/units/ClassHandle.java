// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import io.netfloor.InvalidValueException;
import java.util.Locale;

/**
 * A traffic-control handle: a 16-bit major and a 16-bit minor, packed as {@code major << 16 | minor}.
 * Printed as tc prints it, in hex: {@code 1:} (minor 0), {@code 1:a}, {@code ffff:}. The special
 * parents {@link #ROOT} and {@link #INGRESS} print as {@code root} and {@code ingress}.
 *
 * @param major the 16-bit major (the qdisc's number), 0..0xffff
 * @param minor the 16-bit minor (the class within the qdisc; 0 for the qdisc itself), 0..0xffff
 */
public record ClassHandle(int major, int minor) {
  /** {@code TC_H_ROOT}, 0xFFFFFFFF: the parent of a root qdisc. */
  public static final ClassHandle ROOT = new ClassHandle(0xffff, 0xffff);
  /** {@code TC_H_INGRESS}, 0xFFFFFFF1: the parent of an ingress (or clsact) qdisc. */
  public static final ClassHandle INGRESS = new ClassHandle(0xffff, 0xfff1);
  /** Handle 0 ({@code TC_H_UNSPEC}). */
  public static final ClassHandle UNSPEC = new ClassHandle(0, 0);

  /**
   * Checks the ranges.
   *
   * @param major the 16-bit major (the qdisc's number), 0..0xffff
   * @param minor the 16-bit minor (the class within the qdisc; 0 for the qdisc itself), 0..0xffff
   * @throws InvalidValueException if {@code major} or {@code minor} is outside 0..0xffff
   */
  public ClassHandle {
    if (major < 0 || major > 0xffff || minor < 0 || minor > 0xffff) {
      throw new InvalidValueException(String.format(
          "handle %d:%d out of range: major and minor are 16-bit (0..ffff)", major, minor));
    }
  }

  /**
   * The handle {@code major:minor}.
   *
   * @param major the major, 0..0xffff
   * @param minor the minor, 0..0xffff
   * @return the handle
   * @throws InvalidValueException if a part is out of range
   */
  public static ClassHandle of(int major, int minor) {
    return new ClassHandle(major, minor);
  }

  /**
   * The qdisc handle {@code major:} (minor 0).
   *
   * @param major the major, 0..0xffff
   * @return the handle {@code major:0}
   * @throws InvalidValueException if {@code major} is out of range
   */
  public static ClassHandle qdisc(int major) {
    return new ClassHandle(major, 0);
  }

  /**
   * Unpacks a kernel u32 handle.
   *
   * @param bits the packed handle, {@code major << 16 | minor}
   * @return the handle; never fails, every 32-bit value is one
   */
  public static ClassHandle fromBits(int bits) {
    return new ClassHandle(bits >>> 16, bits & 0xffff);
  }

  /**
   * Parses tc's form: {@code 1:a}, {@code 1:}, {@code :a} (major 0), {@code root}, {@code ingress};
   * numbers are hex.
   *
   * @param text the handle as tc prints it; case and surrounding whitespace are ignored
   * @return the handle
   * @throws InvalidValueException quoting the text when it has no single colon or a part is not a
   *     hex number of at most 4 digits
   */
  public static ClassHandle parse(String text) {
    if (text == null) {
      throw new InvalidValueException("handle is missing");
    }
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("root")) {
      return ROOT;
    }
    if (s.equals("ingress")) {
      return INGRESS;
    }
    int colon = s.indexOf(':');
    if (colon < 0 || s.indexOf(':', colon + 1) >= 0) {
      throw new InvalidValueException("handle '" + text + "' must look like 'major:minor' in hex, e.g. 1:a");
    }
    return new ClassHandle(hex(s.substring(0, colon), text), hex(s.substring(colon + 1), text));
  }

  private static int hex(String part, String text) {
    if (part.isEmpty()) {
      return 0;
    }
    if (part.length() > 4 || !part.chars().allMatch(MacAddress::isAsciiHex)) {
      throw new InvalidValueException("handle '" + text + "': '" + part
          + "' is not a hex number of at most 4 digits");
    }
    return Integer.parseInt(part, 16);
  }

  /**
   * The packed u32 as the kernel carries it.
   *
   * @return {@code major << 16 | minor}
   */
  public int toBits() {
    return (major << 16) | minor;
  }

  /**
   * True for a qdisc handle ({@code N:}, minor 0).
   *
   * @return true when the minor is 0
   */
  public boolean isQdisc() {
    return minor == 0;
  }

  @Override
  public String toString() {
    if (this.equals(ROOT)) {
      return "root";
    }
    if (this.equals(INGRESS)) {
      return "ingress";
    }
    return minor == 0
        ? Integer.toHexString(major) + ":"
        : Integer.toHexString(major) + ":" + Integer.toHexString(minor);
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof ClassHandle h && h.major == major && h.minor == minor;
  }

  @Override
  public int hashCode() {
    return 31 * Integer.hashCode(major) + Integer.hashCode(minor);
  }
}
