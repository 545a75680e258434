// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import io.netfloor.InvalidValueException;
import java.util.Locale;

/**
 * A traffic-control handle: a 16-bit major and a 16-bit minor, packed as {@code major << 16 | minor}.
 * Printed as tc prints it, in hex: {@code 1:} (minor 0), {@code 1:a}, {@code ffff:}. The special
 * parents {@link #ROOT} and {@link #INGRESS} print as {@code root} and {@code ingress}.
 */
public record ClassHandle(int major, int minor) {
  /** {@code TC_H_ROOT}, 0xFFFFFFFF: the parent of a root qdisc. */
  public static final ClassHandle ROOT = new ClassHandle(0xffff, 0xffff);
  /** {@code TC_H_INGRESS}, 0xFFFFFFF1: the parent of an ingress (or clsact) qdisc. */
  public static final ClassHandle INGRESS = new ClassHandle(0xffff, 0xfff1);
  /** Handle 0 ({@code TC_H_UNSPEC}). */
  public static final ClassHandle UNSPEC = new ClassHandle(0, 0);

  public ClassHandle {
    if (major < 0 || major > 0xffff || minor < 0 || minor > 0xffff) {
      throw new InvalidValueException(String.format(
          "handle %d:%d out of range: major and minor are 16-bit (0..ffff)", major, minor));
    }
  }

  /** The handle {@code major:minor}. */
  public static ClassHandle of(int major, int minor) {
    return new ClassHandle(major, minor);
  }

  /** The qdisc handle {@code major:} (minor 0). */
  public static ClassHandle qdisc(int major) {
    return new ClassHandle(major, 0);
  }

  /** Unpacks a kernel u32 handle. */
  public static ClassHandle fromBits(int bits) {
    return new ClassHandle(bits >>> 16, bits & 0xffff);
  }

  /**
   * Parses tc's form: {@code 1:a}, {@code 1:}, {@code :a} (major 0), {@code root}, {@code ingress};
   * numbers are hex.
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

  /** The packed u32 as the kernel carries it. */
  public int toBits() {
    return (major << 16) | minor;
  }

  /** True for a qdisc handle ({@code N:}, minor 0). */
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
}
