// SPDX-License-Identifier: Apache-2.0
package io.netfloor.units;

import io.netfloor.InvalidValueException;

/**
 * A Linux network interface name: 1 to 15 characters (IFNAMSIZ − 1) of printable ASCII other than
 * {@code /}, {@code :} and {@code %}, and not {@code .} or {@code ..}. Names that pass can never act
 * as path components that escape a directory.
 *
 * <h2>Why printable ASCII only</h2>
 *
 * The kernel ({@code dev_valid_name}) takes any bytes but {@code /}, NUL and whitespace, so it also
 * accepts names such as {@code brü0}. NetFloor refuses them, at construction, for three reasons:
 *
 * <ul>
 *   <li>A kernel name is bytes with no encoding. Many byte strings (any that are not UTF-8) have no
 *       Java {@code String} at all, so a value type over {@code String} could only ever round-trip
 *       some of them.
 *   <li>Every place a name travels would need its own byte-exact encoding: the status store's files
 *       (ASCII lines under a checksum), the CLI's network records, rtnetlink's {@code IFLA_IFNAME},
 *       the ifb names derived from device names, {@code tc -j}/{@code ip -j} output. One place that
 *       altered a name (an ASCII encoder writes {@code ?}) leaves a network whose status no longer
 *       names its bridge or devices: it can neither be repaired nor unplugged.
 *   <li>Such names are rare by construction: systemd and udev refuse every byte outside printable
 *       ASCII (and {@code :}, {@code /}, {@code %}) in the names they give, libvirt names its taps
 *       {@code vnetN} and its bridges {@code virbrN}.
 * </ul>
 *
 * Refusing up front means a name NetFloor holds is the same bytes in memory, on disk, on the wire
 * and in the kernel, and a refused name has changed nothing. A device with such a name can be
 * renamed ({@code ip link set dev OLD name NEW}) before NetFloor shapes it.
 *
 * <p>{@code %} is refused because no device can carry it: the kernel reads a name containing
 * {@code %} as a numbering template ({@code eth%d} becomes {@code eth0}), so such a name never
 * matches an existing device. {@code :} is the legacy alias separator ({@code eth0:1}), which tc
 * cannot address. Whitespace and control characters are what the kernel itself refuses.
 *
 * @param value the name, as the kernel holds it
 */
public record InterfaceName(String value) implements Comparable<InterfaceName> {
  /** The kernel's limit: IFNAMSIZ (16) minus the terminating NUL. */
  public static final int MAX_BYTES = 15;

  /**
   * Checks the name against the rules above.
   *
   * @param value the name, as the kernel holds it
   * @throws InvalidValueException quoting the name and the rule it breaks
   */
  public InterfaceName {
    if (value == null || value.isEmpty()) {
      throw new InvalidValueException("interface name is empty");
    }
    // every accepted character is one byte, so a longer string is too long whatever it holds;
    // checked first so that a huge input is refused before it is scanned
    if (value.length() > MAX_BYTES) {
      throw new InvalidValueException("interface name '" + abbreviate(value) + "' is "
          + value.length() + " characters long; Linux allows at most " + MAX_BYTES + " bytes");
    }
    if (value.equals(".") || value.equals("..")) {
      throw new InvalidValueException("interface name '" + value + "' is not allowed by Linux");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0x7e) {
        int cp = value.codePointAt(i);
        String shown = String.format("U+%04X", cp)
            + (Character.isISOControl(cp) ? "" : " '" + new String(Character.toChars(cp)) + "'");
        throw new InvalidValueException("interface name '" + value + "' contains " + shown
            + ", which is not printable ASCII; NetFloor accepts only ASCII interface names, so that"
            + " a name is the same bytes in its status files, records and the kernel: rename the"
            + " device (ip link set dev OLD name NEW)");
      }
      if (c == '/' || c == ':' || c == '%' || c <= 0x20) {
        throw new InvalidValueException("interface name '" + value + "' contains '" + printable(c)
            + "'; Linux interface names hold no '/', ':', '%', whitespace or control characters");
      }
    }
  }

  /**
   * Validates {@code name} as a Linux interface name (see the class documentation).
   *
   * @param name the candidate name
   * @return the name
   * @throws InvalidValueException quoting the name and the rule it breaks
   */
  public static InterfaceName of(String name) {
    return new InterfaceName(name);
  }

  @Override
  public int compareTo(InterfaceName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static String printable(char c) {
    return c <= 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  /** The start of a long input, so that an error message stays one readable line. */
  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  // equals and hashCode written out, computing what the record's own would: those are linked
  // through method handles on first use, which a short-lived JVM (each CLI command) pays anew
  @Override
  public boolean equals(Object o) {
    return o instanceof InterfaceName n && n.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
