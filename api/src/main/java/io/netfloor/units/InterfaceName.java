package io.netfloor.units;

import io.netfloor.InvalidValueException;
import java.nio.charset.StandardCharsets;

/**
 * A Linux network interface name, validated by the kernel's rules ({@code dev_valid_name}): 1 to 15
 * bytes (IFNAMSIZ − 1) of UTF-8, no {@code /}, no {@code :}, no whitespace or control characters, and
 * not {@code .} or {@code ..}. Names that pass can never act as path components that escape a
 * directory.
 */
public record InterfaceName(String value) implements Comparable<InterfaceName> {
  /** The kernel's limit: IFNAMSIZ (16) minus the terminating NUL. */
  public static final int MAX_BYTES = 15;

  public InterfaceName {
    if (value == null || value.isEmpty()) {
      throw new InvalidValueException("interface name is empty");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new InvalidValueException("interface name '" + value + "' is " + bytes
          + " bytes long; Linux allows at most " + MAX_BYTES);
    }
    if (value.equals(".") || value.equals("..")) {
      throw new InvalidValueException("interface name '" + value + "' is not allowed by Linux");
    }
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      if ((b & 0xff) == 0xa0) {
        // the kernel's isspace() (lib/ctype.c) counts Latin-1 NBSP, so dev_valid_name refuses it
        throw new InvalidValueException("interface name '" + value + "' contains byte 0xa0 in UTF-8"
            + " (e.g. from U+00A0 or 'à'), which Linux counts as whitespace");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new InvalidValueException("interface name '" + value
            + "' contains '" + printable(c) + "'; Linux forbids '/', ':', whitespace and control characters");
      }
    }
  }

  /** Validates {@code name} as a Linux interface name. */
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
    return Character.isISOControl(c) || Character.isWhitespace(c)
        ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
